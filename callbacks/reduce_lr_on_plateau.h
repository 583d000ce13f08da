#pragma once
// keras.callbacks.ReduceLROnPlateau, Keras 3.11+ rules (keras/src/callbacks/reduce_lr_on_plateau.py;
// ../shared/reference/keras_semantics.md §3). Differs from PyTorch's scheduler of the same name
// (schedulers/reduce_lr_on_plateau.h): patience 0 ≡ 1, cooldown c freezes c − 1 epochs, an absolute
// min_delta compared in float32, and a cut blocked at min_lr resets nothing.
//   on_train_begin: best = None, wait = 0, cooldown_counter = 0
//   on_epoch_end: logs["learning_rate"] = lr; v missing → warn, nothing moves
//     cooldown_counter > 0 → cooldown_counter −= 1, wait = 0
//     improvement → best = v, wait = 0
//     else if not in cooldown: wait += 1; wait ≥ patience and f32 lr > f32(min_lr) →
//         lr = f32(max(lr·factor, min_lr)), cooldown_counter = cooldown, wait = 0

#include "plateau/callbacks/callback.h"
#include "plateau/callbacks/monitor.h"

namespace plateau::callbacks {

struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int64_t patience = 10;
  std::string mode = "auto";
  double min_delta = 1e-4;
  int64_t cooldown = 0;
  double min_lr = 0.0;
};

// Usage:
//   callbacks.add(std::make_unique<callbacks::ReduceLROnPlateau>(callbacks::ReduceLROnPlateauOptions{
//       .monitor = "val_loss", .factor = 0.5, .patience = 3, .min_lr = 1e-6}));
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  std::string name() const override { return "ReduceLROnPlateau"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;

  const ReduceLROnPlateauOptions& options() const { return options_; }
  int64_t wait() const { return wait_; }
  int64_t cooldown_counter() const { return cooldown_counter_; }
  std::optional<double> best() const { return best_; }

 private:
  ReduceLROnPlateauOptions options_;
  Monitor monitor_;
  std::optional<double> best_;
  int64_t wait_ = 0, cooldown_counter_ = 0;
};

}  // namespace plateau::callbacks
