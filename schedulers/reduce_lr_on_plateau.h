#pragma once
// ReduceLROnPlateau as PyTorch's torch.optim.lr_scheduler.ReduceLROnPlateau, the one stateful
// schedule (it reads and writes the current lr). step(metric), once per epoch after validation:
//   better: mode min/rel v < best·(1 − threshold), min/abs v < best − threshold,
//           max/rel v > best·(1 + threshold), max/abs v > best + threshold  (best starts at ±inf)
//   better → best = v, bad = 0, else bad += 1;  in cooldown → cooldown −= 1, bad = 0
//   bad > patience → each group lr = max(lr·factor, min_lr) if that changes it by more than eps;
//                    cooldown = cooldown_epochs, bad = 0
// Keras' callback of the same name follows different rules (callbacks/).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/core/json_field.h"
#include "plateau/optim/optimizer.h"

namespace plateau {

struct ReduceLROnPlateauOptions {
  std::string mode = "min";  // "min" | "max"
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  std::string threshold_mode = "rel";  // "rel" | "abs"
  int64_t cooldown = 0;
  double min_lr = 0.0;  // PyTorch also takes one per group; one for all here
  double eps = 1e-8;
};

// Usage:
//   ReduceLROnPlateau plateau(optimizer, {.factor = 0.5, .patience = 2});
//   const bool reduced = plateau.step(/*val_loss=*/0.31);
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions options);

  // Returns true when this call reduced the lr of some group (writing the new lrs into the optimizer).
  bool step(double metric);
  // The same decision without the write: each group's new lr when this metric reduces some, else
  // nullopt. fit()'s adapter sets them through TrainingState::set_group_lrs.
  std::optional<std::vector<double>> next_lrs(double metric);

  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  int64_t cooldown_counter() const { return cooldown_counter_; }
  const ReduceLROnPlateauOptions& options() const { return options_; }

  nlohmann::json state_dict() const;
  void load_state_dict(const JsonField& state);

 private:
  bool is_better(double v) const;

  Optimizer& optimizer_;
  ReduceLROnPlateauOptions options_;
  double best_;
  int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0, last_epoch_ = 0;
};

}  // namespace plateau
