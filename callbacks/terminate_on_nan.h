#pragma once
// keras.callbacks.TerminateOnNaN: stops training at the first batch whose loss is NaN or infinite.

#include <cmath>

#include "callbacks/callback.h"

namespace plateau::callbacks {

class TerminateOnNaN : public Callback {
 public:
  std::string name() const override { return "TerminateOnNaN"; }
  void on_batch_end(TrainingState& s) override {
    auto it = s.logs.find("loss");
    if (it != s.logs.end() && !std::isfinite(it->second)) {
      s.print("Batch " + std::to_string(s.batch) + ": Invalid loss, terminating training");
      s.stop_training = true;
    }
  }
};

}  // namespace plateau::callbacks
