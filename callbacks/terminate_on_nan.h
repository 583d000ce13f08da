#pragma once
// keras.callbacks.TerminateOnNaN: stops training at the first batch whose loss is NaN or infinite.

#include <cmath>

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

// Usage:
//   callbacks.add(std::make_unique<callbacks::TerminateOnNaN>());
class TerminateOnNaN : public Callback {
 public:
  std::string name() const override { return "TerminateOnNaN"; }
  void on_batch_end(TrainingState& s) override {
    auto it = s.logs.find("loss");
    if (it != s.logs.end() && !std::isfinite(it->second)) {
      s.print("Batch " + std::to_string(s.batch) + ": Invalid loss, terminating training");
      s.stop_training = true;
      loss_ = it->second;
    }
  }
  // Whether it stopped training, and the loss that made it ("nan", "inf").
  bool terminated() const { return !std::isfinite(loss_); }
  std::string loss_text() const { return std::isnan(loss_) ? "NaN" : loss_ > 0 ? "+inf" : "-inf"; }

 private:
  double loss_ = 0.0;
};

}  // namespace plateau::callbacks
