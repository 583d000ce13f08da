#pragma once
// LrLog: one line for every lr change a callback or schedule made, naming it and the numbers:
//   "Epoch 7: ReduceLROnPlateau: val_loss 0.3121 not below best 0.312 − 0.0001 for 3 epochs → lr 0.001 → 0.0005"
// Placed last in the list, so each line follows the epoch it concerns.

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

// Keras: the "Epoch 7: ReduceLROnPlateau reducing learning rate to …" lines its callbacks print (verbose=1).
// Usage:
//   callbacks.add_tail(std::make_unique<callbacks::LrLog>());  // prints through FitOptions::print
class LrLog : public Callback {
 public:
  std::string name() const override { return "LrLog"; }
  void on_train_begin(TrainingState& s) override { printed_ = s.lr_changes.size(); }
  void on_epoch_begin(TrainingState& s) override { flush(s); }
  void on_epoch_end(TrainingState& s) override { flush(s); }
  static std::string describe(const LrChange& change);

 private:
  void flush(TrainingState& s);
  size_t printed_ = 0;
};

}  // namespace plateau::callbacks
