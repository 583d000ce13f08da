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

#include "callbacks/callback_list.h"
#include "datasets/image_dataset.h"
#include "layers/sequential.h"
#include "optim/optimizer.h"
#include "training/checkpoint.h"
#include "training/loss.h"

namespace plateau {

struct FitOptions {
  int64_t batch_size = 32;
  int64_t epochs = 1;
  double validation_split = 0.0;                 // the last fraction of `train`, taken before shuffling
  const ImageDataset* validation_data = nullptr;  // instead of validation_split
  int64_t validation_freq = 1;                   // validate when (epoch + 1) % freq == 0
  bool shuffle = true;
  int64_t initial_epoch = 0;
  uint64_t seed = 0;                             // the shuffle order
  std::function<void(const std::string&)> print = nullptr;  // messages for the user (LR log, warnings)

  // Exact resume and crash safety (training/checkpoint.h). `resume_from` continues a run: weights,
  // optimizer, random streams and callbacks as they were, from its cursor (mid-epoch included).
  const TrainingCheckpoint* resume_from = nullptr;
  // Called with the cursor to continue from: at train begin, after every epoch, every
  // `checkpoint_every_batches` batches, on interruption and when training finishes.
  std::function<void(const FitCursor&)> checkpoint = nullptr;
  int64_t checkpoint_every_batches = 0;
  // Checked after every batch; when it returns true, fit() checkpoints and returns at once
  // (no on_epoch_end, no on_train_end), and interrupted() is true.
  std::function<bool()> interrupt = nullptr;
};

class Model {
 public:
  explicit Model(std::unique_ptr<Sequential> net);

  void compile(std::unique_ptr<Optimizer> optimizer, Loss loss, std::vector<std::string> metrics = {"accuracy"});

  callbacks::History fit(const ImageDataset& train, const FitOptions& options, CallbackList& callbacks);
  Logs evaluate(const ImageDataset& data, int64_t batch_size = 32, int64_t limit = -1);
  Tensor predict(const ImageDataset& data, int64_t batch_size = 32);  // (N, classes) probabilities

  Sequential& net() { return *net_; }
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

  // One batch, as fit() computes it: the loss's targets for `indices` (class indices, or one-hot rows),
  // the network's output (its logits when the loss fuses the final softmax) and the loss.
  Tensor targets(const ImageDataset& data, const std::vector<int64_t>& indices) const;
  bool fused() const;  // feed logits to the fused cross-entropy
  Variable forward_for_loss(const Variable& x);
  Variable batch_loss(const Variable& out, const Tensor& y) const;

 private:

  std::unique_ptr<Sequential> net_;
  std::unique_ptr<Optimizer> optimizer_;
  std::optional<Loss> loss_;
  std::vector<std::string> metrics_;
  TrainingState state_;
  bool interrupted_ = false;
};

}  // namespace plateau
