#pragma once
// Callback: Keras' hooks (keras/src/callbacks/callback.py). fit() calls them in the order of
// ARCHITECTURE.md §3; every hook sees the shared TrainingState. State that must survive a restart
// goes through state_dict / load_state_dict.

#include <string>

#include <nlohmann/json.hpp>

#include "plateau/callbacks/training_state.h"
#include "plateau/core/json_field.h"
#include "plateau/layers/module.h"

namespace plateau {

// Keras: keras.callbacks.Callback; PyTorch: none (a training loop of one's own).
// Usage:
//   struct PrintLr : Callback {
//     std::string name() const override { return "PrintLr"; }
//     void on_epoch_end(TrainingState& s) override { std::printf("epoch %lld lr %g\n", (long long)s.epoch, s.lr()); }
//   };
//   callbacks.add(std::make_unique<PrintLr>());
class Callback {
 public:
  virtual ~Callback() = default;
  virtual std::string name() const = 0;

  virtual void on_train_begin(TrainingState&) {}
  virtual void on_train_end(TrainingState&) {}
  virtual void on_epoch_begin(TrainingState&) {}
  virtual void on_epoch_end(TrainingState&) {}
  virtual void on_batch_begin(TrainingState&) {}
  virtual void on_batch_end(TrainingState&) {}

  virtual nlohmann::json state_dict() const { return nlohmann::json::object(); }
  // `state` is what state_dict() returned, read back from a file: check it through JsonField.
  virtual void load_state_dict(const JsonField& state) { (void)state; }
  // Tensors a callback keeps (EarlyStopping's best weights), saved beside the JSON state.
  virtual StateDict state_tensors() const { return {}; }
  virtual void load_state_tensors(const StateDict&) {}
};

}  // namespace plateau
