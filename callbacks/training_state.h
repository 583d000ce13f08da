#pragma once
// TrainingState: the one object every callback hook receives (Keras passes `logs` and reaches the
// model through self.model). Callbacks write back only stop_training and the optimizer's lr, and the
// lr only through set_lr / set_group_lrs, which record every change for the LR log and results.json.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "plateau/core/json_field.h"
#include "plateau/layers/sequential.h"
#include "plateau/optim/optimizer.h"

namespace plateau {

using Logs = std::map<std::string, double>;  // sorted keys, as Keras' pythonify_logs

struct LrChange {
  int64_t epoch;       // 0-based epoch during which the change was made
  std::string source;  // the callback's name
  double old_lr, new_lr;
  std::string reason;  // "val_loss 0.3121 not below best 0.3120 − 1e-4 for 3 epochs"
};

// The LR log as JSON ([{"epoch","source","old_lr","new_lr","reason"}], in checkpoints and results.json)
// and back, checked.
nlohmann::json lr_changes_to_json(const std::vector<LrChange>& changes);
std::vector<LrChange> lr_changes_from_json(const JsonField& list);

// Keras: the `logs` dict and self.model / self.model.optimizer inside a callback.
// Usage (inside a hook):
//   if (s.logs.count("val_loss") && s.logs.at("val_loss") > 1.0) s.stop_training = true;
//   if (s.epoch == 5) s.set_lr(s.lr() * 0.1, "MyCallback", "epoch 5");
struct TrainingState {
  Sequential* model = nullptr;
  Optimizer* optimizer = nullptr;

  int64_t epoch = 0;          // 0-based, absolute (starts at initial_epoch)
  int64_t batch = 0;          // 0-based within the epoch
  int64_t global_step = 0;    // optimizer steps taken in this fit() so far
  int64_t initial_epoch = 0, epochs = 0, steps_per_epoch = 0;
  Logs logs;                  // batch logs in batch hooks, epoch logs in epoch hooks
  bool stop_training = false;

  // Keys every epoch's logs will hold, and keys only some epochs hold (val_* when validation_freq
  // skips epochs), so callbacks can check their monitor before the first batch.
  std::vector<std::string> epoch_keys, occasional_keys;

  // Whether this process writes files (ModelCheckpoint, CSVLogger, checkpoints): in data-parallel
  // training every process runs the callbacks and takes the same decisions, and rank 0 alone writes.
  bool writes_files = true;

  std::vector<LrChange> lr_changes;
  std::function<void(const std::string&)> print = [](const std::string&) {};  // a line for the user
  std::function<void(const std::string&)> warn = [](const std::string& w) {  // a warning, on stderr
    std::fprintf(stderr, "warning: %s\n", w.c_str());
  };

  double lr() const;  // group 0's lr
  // The one way an lr changes during fit(): sets every group's lr, or each group's own (a PyTorch
  // schedule scales each group's initial_lr), and records the change of group 0's lr — nothing when it
  // is unchanged. `per_batch`: a schedule that moves the lr every step is recorded once an epoch, the
  // changes of that epoch merged into one ("over N steps").
  void set_lr(double lr, const std::string& source, const std::string& reason);
  void set_group_lrs(const std::vector<double>& lrs, const std::string& source, const std::string& reason,
                     bool per_batch = false);
  bool has_key(const std::string& key) const;  // in epoch_keys or occasional_keys
  std::string known_keys() const;              // "accuracy, loss, val_accuracy, val_loss"
};

}  // namespace plateau
