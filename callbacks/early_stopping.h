#pragma once
// keras.callbacks.EarlyStopping, Keras 3 rules (keras/src/callbacks/early_stopping.py;
// keras_semantics.md §4):
//   on_epoch_end: v missing or epoch < start_from_epoch → nothing
//     restore_best_weights and no best weights yet → keep these weights (best_epoch = epoch)
//     wait += 1 (every monitored epoch)
//     improvement → best = v, best_epoch = epoch, keep weights; reset wait only if the baseline is
//                   beaten too; return (an improving epoch never stops)
//     wait ≥ patience and epoch > 0 → stopped_epoch = epoch, stop_training
//   on_train_end: restore_best_weights and best weights kept → restore them (whether or not it stopped)

#include <optional>

#include "plateau/callbacks/callback.h"
#include "plateau/callbacks/monitor.h"
#include "plateau/layers/module.h"

namespace plateau::callbacks {

struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  int64_t patience = 0;
  std::string mode = "auto";
  std::optional<double> baseline = std::nullopt;
  bool restore_best_weights = false;
  int64_t start_from_epoch = 0;
};

// Usage:
//   callbacks.add(std::make_unique<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
//       .monitor = "val_loss", .patience = 5, .restore_best_weights = true}));
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  std::string name() const override { return "EarlyStopping"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  void on_train_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;
  StateDict state_tensors() const override { return best_weights_; }
  void load_state_tensors(const StateDict& t) override;

  const EarlyStoppingOptions& options() const { return options_; }
  int64_t stopped_epoch() const { return stopped_epoch_; }  // 0 when it did not stop, as Keras
  int64_t best_epoch() const { return best_epoch_; }
  int64_t wait() const { return wait_; }
  std::optional<double> best() const { return best_; }
  bool has_best_weights() const { return !best_weights_.empty(); }

 private:
  EarlyStoppingOptions options_;
  Monitor monitor_;
  std::optional<double> best_;
  int64_t wait_ = 0, stopped_epoch_ = 0, best_epoch_ = 0;
  StateDict best_weights_;
  const Module* model_ = nullptr;  // set at on_train_begin, to check restored best weights
};

}  // namespace plateau::callbacks
