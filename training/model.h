#pragma once
// Model: Keras' compile / fit / evaluate / predict around a Sequential network.
// fit() follows keras_semantics.md §1 and ARCHITECTURE.md §3: on_train_begin; per epoch (0-based,
// absolute from initial_epoch) train mode, shuffled batches, on_epoch_begin, per batch
// on_batch_begin → forward, loss, zero_grad, backward, step → on_batch_end; then the epoch logs
// (running means of loss and metrics, val_* from evaluate() in inference mode without a graph,
// learning_rate) are complete before any on_epoch_end; stop_training ends the epoch loop;
// on_train_end. A model whose last activation is softmax feeds its logits to the fused
// cross-entropy, as Keras does.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plateau/callbacks/callback_list.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/sequential.h"
#include "plateau/optim/optimizer.h"
#include "plateau/training/checkpoint.h"
#include "plateau/training/checkpoint_dir.h"
#include "plateau/training/data_parallel.h"
#include "plateau/training/data_loader.h"
#include "plateau/training/loss.h"
#include "plateau/training/metrics.h"

namespace plateau {

// Keras: the keyword arguments of Model.fit.
// Usage:
//   const FitOptions options{.batch_size = 128, .epochs = 12, .validation_split = 0.2, .seed = 42};
//   model.fit(train, options, callbacks);
struct FitOptions {
  int64_t batch_size = 32;
  int64_t epochs = 1;
  double validation_split = 0.0;                 // the last fraction of `train`, taken before shuffling
  const ImageDataset* validation_data = nullptr;  // instead of validation_split
  int64_t validation_freq = 1;                   // validate when (epoch + 1) % freq == 0
  bool shuffle = true;
  int64_t initial_epoch = 0;
  uint64_t seed = 0;                             // the shuffle order
  std::function<void(const std::string&)> print = nullptr;  // messages for the user (LR log, progress)
  std::function<void(const std::string&)> warn = nullptr;   // warnings; default: "warning: …" on stderr

  // Exact resume and crash safety, as Keras' BackupAndRestore: fit() resumes from the newest complete
  // checkpoint in `checkpoints` (weights, optimizer, random streams, callbacks, mid-epoch cursor; unless
  // its options say restore = false, for a new run) and saves there at train begin, after every epoch,
  // every `checkpoint_every_batches` batches, on interruption and at the end (training/checkpoint_dir.h).
  CheckpointDir* checkpoints = nullptr;
  int64_t checkpoint_every_batches = 0;
  // Checked after every batch; when it returns true, fit() checkpoints and returns at once
  // (no on_epoch_end, no on_train_end), and interrupted() is true.
  std::function<bool()> interrupt = nullptr;
};

// One training step's results: the batch's mean loss, the network's output (its logits when the loss
// fuses the final softmax) and the batch's class labels.
struct StepResult {
  double loss = 0;
  Tensor output;
  std::vector<int32_t> labels;
};

// Keras: keras.Model's compile / fit / evaluate / predict.
// Usage:
//   Model m(build_model(named_model_spec("seed-cnn"), Shape{28, 28, 1}, /*seed=*/42));
//   m.compile(make_optimizer(parse_optimizer_spec("adam"), m.net().parameters()), Loss("sparse_categorical_crossentropy"));
//   const callbacks::History h = m.fit(train, {.batch_size = 128, .epochs = 2, .validation_split = 0.2}, callbacks);
class Model {
 public:
  explicit Model(std::unique_ptr<Sequential> net);

  // `optimizer` may be null for a model that is only evaluated or used for predictions.
  void compile(std::unique_ptr<Optimizer> optimizer, Loss loss, std::vector<std::string> metrics = {"accuracy"});

  callbacks::History fit(const ImageDataset& train, const FitOptions& options, CallbackList& callbacks);
  Logs evaluate(const ImageDataset& data, int64_t batch_size = 32, int64_t limit = -1);
  Tensor predict(const ImageDataset& data, int64_t batch_size = 32);  // (N, classes) probabilities
  // One optimizer step on the images at `indices`: forward, loss, zero_grad, backward, step. fit(), the
  // LR range test and the step benchmark all train through it. In data-parallel training each process
  // computes its shards of the batch; the result is the whole batch's on every process.
  StepResult train_step(const ImageDataset& data, const std::vector<int64_t>& indices);

  // Training on several processes (training/data_parallel.h); every process calls fit(), evaluate()
  // and train_step() alike.
  void set_data_parallel(DataParallel dp);
  const DataParallel& data_parallel() const { return dp_; }

  Sequential& net() { return *net_; }
  const Sequential& net() const { return *net_; }
  Optimizer& optimizer();
  const Loss& loss() const;
  TrainingState& state() { return state_; }  // the last fit's state (epoch, global step, lr changes)
  bool interrupted() const { return interrupted_; }

  // The whole training state at `cursor`, and its restoration (weights, optimizer, random streams;
  // callbacks separately, after their on_train_begin).
  TrainingCheckpoint capture(const CallbackList& callbacks, const FitCursor& cursor) const;
  // A snapshot of weights, optimizer and random streams, for tools that must leave no trace (LR range
  // test, profiler); put back with restore_model_and_optimizer().
  TrainingCheckpoint snapshot() const { return capture(CallbackList(), FitCursor{}); }
  void restore_model_and_optimizer(const TrainingCheckpoint& checkpoint);
  static void restore_callbacks(const TrainingCheckpoint& checkpoint, CallbackList& callbacks);
  // A checkpoint's cursor must fit the run it resumes (another run's, or a forged one, does not): an
  // unfinished run has taken exactly one step per batch.
  static void check_cursor(const TrainingCheckpoint& checkpoint, const FitOptions& options, int64_t steps_per_epoch);

  // The pieces of train_step, for the step profiler's instrumented copy of it.
  bool fused() const;  // feed logits to the fused cross-entropy
  Variable forward_for_loss(const Variable& x);
  Variable batch_loss(const Variable& out, const std::vector<int32_t>& labels) const;

 private:
  // The checkpoint fit() continues from (none for a fresh start), its cursor checked against this run.
  std::optional<TrainingCheckpoint> resume_point(const FitOptions& o, int64_t steps_per_epoch);
  void begin_state(const FitOptions& o, int64_t steps_per_epoch, bool validates);  // a fresh TrainingState
  void save(const FitOptions& o, const CallbackList& callbacks, const FitCursor& cursor) const;
  // One epoch's batches from `first_batch` on; false when interrupted (after a checkpoint).
  bool train_batches(const ImageDataset& train, const DataLoader& loader, const FitOptions& o,
                     CallbackList& callbacks, int64_t first_batch, Mean& loss_mean, Accuracy& accuracy);
  Accuracy new_accuracy() const;

  std::unique_ptr<Sequential> net_;
  std::unique_ptr<Optimizer> optimizer_;
  std::optional<Loss> loss_;
  std::vector<std::string> metrics_;
  TrainingState state_;
  bool interrupted_ = false;
  DataParallel dp_;
};

}  // namespace plateau
