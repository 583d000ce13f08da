#pragma once
// keras.callbacks.ModelCheckpoint, Keras 3 rules (keras/src/callbacks/model_checkpoint.py;
// keras_semantics.md §5). Files are plateau weights (.safetensors, with the model spec inside), written
// crash-safe. The path is formatted first, with epoch 1-based ({epoch:02d} → "01") and the epoch's
// logs; best starts at initial_value_threshold and is never reset (no on_train_begin); with
// save_best_only a missing monitor warns and saves, and only a strict improvement saves.
// save_freq "epoch" decides at epoch end; an integer N saves every N batches, counted across epochs.

#include <optional>
#include <variant>

#include "plateau/callbacks/callback.h"
#include "plateau/callbacks/monitor.h"

namespace plateau::callbacks {

struct ModelCheckpointOptions {
  std::string filepath;  // a template ending in .safetensors
  std::string monitor = "val_loss";
  bool save_best_only = false;
  bool save_weights_only = false;  // plateau files always hold weights + model spec
  std::string mode = "auto";
  int64_t save_freq = 0;  // 0 means "epoch"
  std::optional<double> initial_value_threshold = std::nullopt;
  bool dry_run = false;  // decide but write nothing (plateau replay)
};

// Usage:
//   callbacks.add(std::make_unique<callbacks::ModelCheckpoint>(callbacks::ModelCheckpointOptions{
//       .filepath = "best-{epoch:02d}-{val_loss:.4f}.safetensors", .monitor = "val_loss", .save_best_only = true}));
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options);
  std::string name() const override { return "ModelCheckpoint"; }
  void on_train_begin(TrainingState& s) override;
  void on_batch_end(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;

  const std::vector<std::string>& saved_paths() const { return saved_paths_; }
  const std::vector<int64_t>& saved_epochs() const { return saved_epochs_; }  // 0-based epochs that saved
  std::optional<double> best() const { return best_; }

 private:
  void save(TrainingState& s, std::optional<int64_t> batch);
  ModelCheckpointOptions options_;
  Monitor monitor_;
  std::optional<double> best_;
  int64_t batches_since_save_ = 0, last_batch_seen_ = 0;
  std::vector<std::string> saved_paths_;
  std::vector<int64_t> saved_epochs_;
};

}  // namespace plateau::callbacks
