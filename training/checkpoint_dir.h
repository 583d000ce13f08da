#pragma once
// CheckpointDir: a directory of training checkpoints, kept as Keras' BackupAndRestore keeps its
// backup (keras/src/callbacks/backup_and_restore.py). fit() given a CheckpointDir saves into it — at
// train begin, after every epoch, every `checkpoint_every_batches` batches, on interruption and when
// training ends — and, when the directory already holds a checkpoint, first resumes from the newest
// complete one: weights, optimizer, random streams, callbacks and the cursor (mid-epoch included),
// so the run continues bit for bit as if it had never stopped.
//
//   CheckpointDir backup("runs/x/checkpoints", {.keep_last = 2});
//   model.fit(train, {.epochs = 12, .checkpoints = &backup}, callbacks);  // resumes if it can
//
// Files are ckpt-e<epoch>-b<batch>[-final].safetensors (the cursor to continue from), so their names
// sort in time. A newest file that does not read back (killed mid-write cannot happen: writes are
// atomic; a flipped byte can) is skipped with a warning for the one before it; only the newest
// keep_last files are kept.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/training/checkpoint.h"

namespace plateau {

struct CheckpointDirOptions {
  int64_t keep_last = 2;                           // checkpoints kept; older ones are deleted
  bool restore = true;                             // fit() resumes from it; false: a new run only saves into it
  nlohmann::json config = nlohmann::json::object();  // stored in every checkpoint (the run's config)
};

// Keras: keras.callbacks.BackupAndRestore(backup_dir); PyTorch: none (torch.save of the state dicts by hand).
// Usage:
//   CheckpointDir dir("runs/mine/checkpoints", {.keep_last = 2});
//   model.fit(train, {.epochs = 10, .checkpoints = &dir}, callbacks);  // run it again: it continues exactly
class CheckpointDir {
 public:
  explicit CheckpointDir(std::string dir, CheckpointDirOptions options = {});

  const std::string& dir() const { return dir_; }
  const CheckpointDirOptions& options() const { return options_; }
  std::vector<std::string> files() const;  // checkpoint files, oldest first; none when the directory is absent

  // The newest checkpoint that reads back completely, or nullopt when there is none. `warnings` gets one
  // line per newer file skipped as unreadable; when every file is unreadable, that is an Error naming each.
  std::optional<TrainingCheckpoint> latest(std::vector<std::string>* warnings = nullptr,
                                           std::string* path = nullptr) const;
  // Writes `checkpoint` (its config set to options().config) under the name of its cursor, then
  // deletes all but the newest keep_last files.
  void save(TrainingCheckpoint checkpoint);

  static std::string file_name(const FitCursor& cursor);  // ckpt-e0003-b000120.safetensors

 private:
  std::string dir_;
  CheckpointDirOptions options_;
};

}  // namespace plateau
