#include "plateau/training/model.h"

#include <chrono>
#include <cstdio>
#include <cmath>

#include "plateau/core/checked_math.h"
#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/parse_number.h"
#include "plateau/training/data_loader.h"
#include "plateau/training/metrics.h"

namespace plateau {

Model::Model(std::unique_ptr<Sequential> net) : net_(std::move(net)) {
  PLATEAU_CHECK(net_ && net_->built(), "Model: the network must be built (Sequential::build) before use");
}

void Model::compile(std::unique_ptr<Optimizer> optimizer, Loss loss, std::vector<std::string> metrics) {
  for (const auto& m : metrics)
    PLATEAU_CHECK(m == "accuracy", "Model::compile: unknown metric '", printable(m), "' (valid: accuracy)");
  optimizer_ = std::move(optimizer);
  loss_ = std::move(loss);
  metrics_ = std::move(metrics);
}

Optimizer& Model::optimizer() {
  PLATEAU_CHECK(optimizer_ != nullptr, "Model: compile() the model with an optimizer first");
  return *optimizer_;
}

const Loss& Model::loss() const {
  PLATEAU_CHECK(loss_.has_value(), "Model: compile() the model first");
  return *loss_;
}

bool Model::fused() const { return loss().is_crossentropy() && !loss().from_logits() && net_->ends_with_softmax(); }

Variable Model::forward_for_loss(const Variable& x) { return fused() ? net_->forward_logits(x) : net_->forward(x); }

Variable Model::batch_loss(const Variable& out, const std::vector<int32_t>& labels) const {
  return fused() ? loss().of_labels_from_softmax_logits(out, labels) : loss().of_labels(out, labels);
}

Accuracy Model::new_accuracy() const {
  return Accuracy(loss().kind() == Loss::Kind::SparseCategoricalCrossentropy ? Accuracy::Kind::Sparse
                                                                             : Accuracy::Kind::Categorical);
}

void Model::set_data_parallel(DataParallel dp) {
  PLATEAU_CHECK(dp.shards >= 1, "data parallel: shards must be a positive integer, got ", dp.shards);
  PLATEAU_CHECK(dp.size() <= dp.shards, "data parallel: ", dp.size(), " processes need at least as many batch shards, ",
                "got ", dp.shards);
  dp_ = dp;
}

StepResult Model::train_step(const ImageDataset& data, const std::vector<int64_t>& indices) {
  Optimizer& opt = optimizer();
  StepResult r;
  r.labels = data.labels_at(indices);
  ops::BatchSplit split = ops::BatchSplit::of(static_cast<int64_t>(indices.size()), dp_.shards, dp_.rank(), dp_.size());
  split.group = dp_.group;
  split.reduction = dp_.reduction;
  const auto first = indices.begin() + split.first;
  const std::vector<int64_t> mine(first, first + split.samples());
  const ops::ScopedBatchSplit in_step(&split);
  const Variable out = forward_for_loss(Variable(data.images(mine)));
  Variable l = batch_loss(out, data.labels_at(mine));
  opt.zero_grad();
  l.backward();
  opt.step();
  r.loss = l.value().item();
  r.output = out.value();
  if (dp_.size() > 1) {  // the whole batch's output, for the metrics
    const Tensor& o = out.value();
    r.output = Tensor(Shape{static_cast<int64_t>(indices.size()), o.dim(1)},
                      ops::gather_samples(std::vector<float>(o.data(), o.data() + o.numel())));
  }
  return r;
}

Logs Model::evaluate(const ImageDataset& data, int64_t batch_size, int64_t limit) {
  PLATEAU_CHECK(batch_size >= 1, "evaluate: batch_size must be a positive integer, got ", batch_size);
  const bool was_training = net_->training();
  net_->eval();
  NoGradGuard no_grad;
  const int64_t n = limit >= 0 ? std::min(limit, data.count) : data.count;
  const int64_t batches = (n + batch_size - 1) / batch_size;
  // Each process evaluates a block of whole batches; every batch's mean loss and number of correct
  // predictions are gathered in batch order and added up as one process adds them: sums and counts,
  // never a mean of means. (Hits are whole numbers, so their sum is exact in any order.)
  auto batch_end = [&](int64_t b) { return std::min(n, (b + 1) * batch_size); };
  std::vector<double> per_batch;  // (mean loss, hits) of each of this process's batches
  const int64_t first = batches * dp_.rank() / dp_.size(), end = batches * (dp_.rank() + 1) / dp_.size();
  for (int64_t b = first; b < end; ++b) {
    std::vector<int64_t> idx;
    for (int64_t i = b * batch_size; i < batch_end(b); ++i) idx.push_back(i);
    const std::vector<int32_t> labels = data.labels_at(idx);
    const Variable out = forward_for_loss(Variable(data.images(idx)));
    Accuracy batch_accuracy = new_accuracy();
    batch_accuracy.update(out.value(), labels);
    per_batch.push_back(batch_loss(out, labels).value().item());
    per_batch.push_back(batch_accuracy.mean().total());
  }
  if (dp_.size() > 1) per_batch = dp_.group->all_gather(std::span<const double>(per_batch));
  Mean loss_mean;
  double hits = 0;
  for (int64_t b = 0; b < batches; ++b) {
    loss_mean.update(per_batch[static_cast<size_t>(2 * b)], static_cast<double>(batch_end(b) - b * batch_size));
    hits += per_batch[static_cast<size_t>(2 * b + 1)];
  }
  net_->train(was_training);
  Logs logs{{"loss", loss_mean.result()}};
  if (!metrics_.empty()) logs["accuracy"] = n > 0 ? hits / static_cast<double>(n) : 0.0;  // as Accuracy::result
  return logs;
}

Tensor Model::predict(const ImageDataset& data, int64_t batch_size) {
  PLATEAU_CHECK(batch_size >= 1, "predict: batch_size must be a positive integer, got ", batch_size);
  const bool was_training = net_->training();
  net_->eval();
  NoGradGuard no_grad;
  const int64_t classes = net_->output_shapes().back()[0];
  Tensor probs(Shape{data.count, classes});
  for (int64_t begin = 0; begin < data.count; begin += batch_size) {
    std::vector<int64_t> idx;
    for (int64_t i = begin; i < std::min(data.count, begin + batch_size); ++i) idx.push_back(i);
    const Tensor out = net_->forward(Variable(data.images(idx))).value();
    std::copy(out.data(), out.data() + out.numel(), probs.data() + begin * classes);
  }
  net_->train(was_training);
  return probs;
}

std::optional<TrainingCheckpoint> Model::resume_point(const FitOptions& o, int64_t steps_per_epoch) {
  if (!o.checkpoints || !o.checkpoints->options().restore) return std::nullopt;
  std::vector<std::string> warnings;
  std::string path;
  std::optional<TrainingCheckpoint> c = o.checkpoints->latest(&warnings, &path);
  for (const auto& w : warnings) state_.warn(w);
  if (!c) return std::nullopt;
  check_cursor(*c, o, steps_per_epoch);  // before anything is restored
  const FitCursor& k = c->cursor;
  state_.print((k.finished ? "Run finished already; restored its final state from " : "Resuming from ") + path);
  return c;
}

void Model::check_cursor(const TrainingCheckpoint& c, const FitOptions& o, int64_t steps_per_epoch) {
  const FitCursor& k = c.cursor;
  PLATEAU_CHECK(k.epoch >= o.initial_epoch && k.epoch <= o.epochs && k.batch <= steps_per_epoch, c.source,
                ": its cursor (epoch ", k.epoch, ", batch ", k.batch, ") lies outside this run (epochs ",
                o.initial_epoch, " to ", o.epochs, ", ", steps_per_epoch, " batches each)");
  const int64_t expected =
      checked_mul(k.epoch - o.initial_epoch, steps_per_epoch, c.source + ": the cursor's step") + k.batch;
  PLATEAU_CHECK(k.finished || k.global_step == expected, c.source, ": its cursor's global step ", k.global_step,
                " does not match epoch ", k.epoch, ", batch ", k.batch, " of a run with ", steps_per_epoch,
                " batches an epoch (expected ", expected, ")");
}

namespace {

void check_fit_options(const FitOptions& o) {
  PLATEAU_CHECK(o.epochs >= 0 && o.initial_epoch >= 0, "fit: epochs and initial_epoch must be non-negative, got ",
                o.epochs, " and ", o.initial_epoch);
  PLATEAU_CHECK(o.validation_split >= 0.0 && o.validation_split < 1.0, "fit: validation_split must be in [0, 1), got ",
                o.validation_split);
  PLATEAU_CHECK(o.validation_freq >= 1, "fit: validation_freq must be a positive integer, got ", o.validation_freq);
  PLATEAU_CHECK(o.checkpoint_every_batches >= 0, "fit: checkpoint_every_batches must be non-negative, got ",
                o.checkpoint_every_batches);
  PLATEAU_CHECK(o.validation_split == 0.0 || o.validation_data == nullptr,
                "fit: give validation_split or validation_data, not both");
}

// Keras' validation_split: the last fraction of the arrays, before any shuffling; the training part keeps
// floor(n · (1 − split)) rows (keras/src/trainers/data_adapters/array_slicing.py, train_validation_split).
std::pair<ImageDataset, ImageDataset> split_off_validation(const ImageDataset& all, double split) {
  const int64_t split_at = static_cast<int64_t>(std::floor(all.count * (1.0 - split)));
  PLATEAU_CHECK(split_at > 0 && split_at < all.count, "fit: validation_split ", split, " of ", all.count,
                " samples leaves an empty training or validation set");
  return {all.slice(0, split_at), all.slice(split_at, all.count)};
}

}  // namespace

void Model::begin_state(const FitOptions& o, int64_t steps_per_epoch, bool validates) {
  TrainingState& s = state_;
  s = TrainingState{};
  s.model = net_.get();
  s.optimizer = optimizer_.get();
  s.initial_epoch = o.initial_epoch;
  s.epochs = o.epochs;
  s.steps_per_epoch = steps_per_epoch;
  if (o.print) s.print = o.print;
  if (o.warn) s.warn = o.warn;
  s.writes_files = dp_.rank() == 0;
  if (!s.writes_files) {  // rank 0 speaks for all
    s.print = [](const std::string&) {};
    s.warn = [](const std::string&) {};
  }
  s.epoch_keys = {"loss", "learning_rate"};
  if (!metrics_.empty()) s.epoch_keys.push_back("accuracy");
  if (validates) {
    auto& keys = o.validation_freq == 1 ? s.epoch_keys : s.occasional_keys;
    keys.push_back("val_loss");
    if (!metrics_.empty()) keys.push_back("val_accuracy");
  }
}

void Model::save(const FitOptions& o, const CallbackList& callbacks, const FitCursor& cursor) const {
  if (o.checkpoints && state_.writes_files) o.checkpoints->save(capture(callbacks, cursor));
}

bool Model::train_batches(const ImageDataset& train, const DataLoader& loader, const FitOptions& o,
                          CallbackList& callbacks, int64_t first_batch, Mean& loss_mean, Accuracy& accuracy) {
  TrainingState& s = state_;
  for (int64_t b = first_batch; b < loader.batches(); ++b) {
    s.batch = b;
    s.logs.clear();
    callbacks.on_batch_begin(s);
    const std::vector<int64_t> idx = loader.batch_indices(b);
    const StepResult step = train_step(train, idx);
    loss_mean.update(step.loss, static_cast<double>(idx.size()));
    if (!metrics_.empty()) accuracy.update(step.output, step.labels);
    s.logs = {{"loss", loss_mean.result()}};
    if (!metrics_.empty()) s.logs["accuracy"] = accuracy.result();
    callbacks.on_batch_end(s);
    ++s.global_step;
    const FitCursor here{.epoch = s.epoch, .batch = b + 1, .global_step = s.global_step,
                         .loss_sum = loss_mean.total(), .loss_weight = loss_mean.weight(),
                         .accuracy_sum = accuracy.mean().total(), .accuracy_weight = accuracy.mean().weight()};
    if (o.interrupt && o.interrupt()) {
      save(o, callbacks, here);
      interrupted_ = true;
      return false;
    }
    if (o.checkpoint_every_batches > 0 && s.global_step % o.checkpoint_every_batches == 0) save(o, callbacks, here);
    if (s.stop_training) break;
  }
  return true;
}

callbacks::History Model::fit(const ImageDataset& all_train, const FitOptions& o, CallbackList& callbacks) {
  optimizer();  // compiled with one
  check_fit_options(o);
  std::pair<ImageDataset, ImageDataset> split;
  if (o.validation_split > 0.0) split = split_off_validation(all_train, o.validation_split);
  const ImageDataset& train = o.validation_split > 0.0 ? split.first : all_train;
  const ImageDataset* val = o.validation_split > 0.0 ? &split.second : o.validation_data;
  DataLoader loader(train, o.batch_size, o.shuffle, o.seed);
  // Every batch must give each process a shard: the last, the smallest, is checked now, not after an epoch.
  ops::BatchSplit::of(train.count - (loader.batches() - 1) * o.batch_size, dp_.shards, dp_.rank(), dp_.size());
  begin_state(o, loader.batches(), val != nullptr);
  TrainingState& s = state_;
  interrupted_ = false;

  const std::optional<TrainingCheckpoint> resume = resume_point(o, loader.batches());
  if (resume && resume->cursor.finished) {  // nothing left to train: the final state, as it ended
    restore_model_and_optimizer(*resume);
    restore_callbacks(*resume, callbacks);
    return callbacks.history();
  }
  const FitCursor cursor = resume ? resume->cursor : FitCursor{.epoch = o.initial_epoch};
  s.epoch = cursor.epoch;
  s.global_step = cursor.global_step;
  callbacks.on_train_begin(s);
  if (resume) {
    // After on_train_begin, which resets callbacks and lets schedules apply their first step: the
    // checkpoint's weights, optimizer (lr, momentum included) and callback states win.
    restore_model_and_optimizer(*resume);
    restore_callbacks(*resume, callbacks);
  } else {
    save(o, callbacks, cursor);
  }
  for (int64_t epoch = cursor.epoch; epoch < o.epochs; ++epoch) {
    s.epoch = epoch;
    s.batch = 0;
    s.logs.clear();
    net_->train();
    loader.start_epoch(epoch);
    Mean loss_mean;
    Accuracy accuracy = new_accuracy();
    const bool mid_epoch = epoch == cursor.epoch && cursor.batch > 0;  // resumed inside this epoch
    if (mid_epoch) {  // on_epoch_begin ran before the checkpoint; the epoch's running means continue
      s.batch = cursor.batch - 1;
      loss_mean.restore(cursor.loss_sum, cursor.loss_weight);
      accuracy.mean().restore(cursor.accuracy_sum, cursor.accuracy_weight);
    } else {
      callbacks.on_epoch_begin(s);
    }
    if (!train_batches(train, loader, o, callbacks, mid_epoch ? cursor.batch : 0, loss_mean, accuracy))
      return callbacks.history();  // interrupted, after a checkpoint
    Logs logs{{"loss", loss_mean.result()}};
    if (!metrics_.empty()) logs["accuracy"] = accuracy.result();
    if (val && (epoch + 1) % o.validation_freq == 0)
      for (const auto& [k, v] : evaluate(*val, o.batch_size)) logs["val_" + k] = v;
    logs["learning_rate"] = s.lr();
    s.logs = logs;
    callbacks.on_epoch_end(s);
    if (s.stop_training) break;
    if (epoch + 1 < o.epochs) save(o, callbacks, FitCursor{.epoch = epoch + 1, .global_step = s.global_step});
  }
  callbacks.on_train_end(s);
  save(o, callbacks, FitCursor{.epoch = s.epoch + 1, .global_step = s.global_step, .finished = true});
  return callbacks.history();
}

TrainingCheckpoint Model::capture(const CallbackList& callbacks, const FitCursor& cursor) const {
  TrainingCheckpoint c;
  c.model = net_->state_dict();
  c.optimizer = optimizer_->state_dict();
  c.cursor = cursor;
  const std::vector<Callback*> all = callbacks.all();
  for (size_t i = 0; i < all.size(); ++i) {
    c.callbacks.push_back({{"name", all[i]->name()}, {"state", all[i]->state_dict()}});
    StateDict tensors = all[i]->state_tensors();
    if (!tensors.empty()) c.callback_tensors.emplace_back(i, std::move(tensors));
  }
  for (size_t i = 0; i < net_->layers().size(); ++i)
    if (const Rng* rng = net_->layers()[i]->random_stream()) c.rng[std::to_string(i)] = rng->state();
  c.lr_changes = lr_changes_to_json(state_.lr_changes);
  return c;
}

void Model::restore_model_and_optimizer(const TrainingCheckpoint& c) {
  // All or nothing: the weights, the random streams and the LR log are checked first, then the weights go
  // in and are put back if the optimizer state does not fit.
  net_->check_state_dict(c.model, c.source);
  std::vector<std::pair<Rng*, std::array<uint64_t, 4>>> streams;
  for (const auto& [key, state] : JsonField(c.rng, c.source, "state.rng").items()) {
    const auto i = try_parse_int64(key);
    PLATEAU_CHECK(i && *i >= 0 && static_cast<size_t>(*i) < net_->layers().size(), c.source,
                  ": it has a random stream for layer '", printable(key), "', which is not a layer index of this model (",
                  net_->layers().size(), " layers)");
    const Layer& layer = *net_->layers()[static_cast<size_t>(*i)];
    Rng* stream = net_->layers()[static_cast<size_t>(*i)]->random_stream();
    PLATEAU_CHECK(stream != nullptr, c.source, ": it has a random stream for layer ", *i, " (", layer.type(),
                  "), which has none");
    PLATEAU_CHECK(state.size() == 4, c.source, ": ", state.path(), " must be 4 integers, got ", state.size());
    std::array<uint64_t, 4> words{};
    for (size_t w = 0; w < 4; ++w) words[w] = state.at(w).unsigned_integer();
    const bool all_zero = (words[0] | words[1] | words[2] | words[3]) == 0;
    PLATEAU_CHECK(!all_zero, c.source, ": ", state.path(),
                  " is all zeros, which is not a state of the random stream");
    streams.emplace_back(stream, words);
  }
  std::vector<LrChange> lr_changes = lr_changes_from_json(JsonField(c.lr_changes, c.source, "state.lr_changes"));
  const StateDict before = net_->state_dict();
  net_->load_state_dict(c.model, c.source);
  try {
    optimizer_->load_state_dict(c.optimizer);
  } catch (const Error& e) {
    net_->load_state_dict(before, "previous weights");
    throw Error(cat(c.source, ": ", e.what()));
  }
  for (auto& [stream, words] : streams) stream->set_state(words);
  state_.lr_changes = std::move(lr_changes);
}

void Model::restore_callbacks(const TrainingCheckpoint& c, CallbackList& callbacks) {
  const std::vector<Callback*> all = callbacks.all();
  const std::vector<JsonField> stored = JsonField(c.callbacks, c.source, "state.callbacks").elements();
  PLATEAU_CHECK(stored.size() == all.size(), c.source, " has ", stored.size(), " callbacks, this run has ", all.size(),
                "; resume with the same callbacks");
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string name = stored[i].at("name").text();
    PLATEAU_CHECK(name == all[i]->name(), c.source, ": callback ", i, " is ", printable(name), ", this run's is ",
                  all[i]->name());
  }
  for (size_t i = 0; i < all.size(); ++i) all[i]->load_state_dict(stored[i].at("state"));
  for (const auto& [index, tensors] : c.callback_tensors) {
    PLATEAU_CHECK(index < all.size(), c.source, " has tensors for callback ", index, " of ", all.size());
    try {
      all[index]->load_state_tensors(tensors);
    } catch (const Error& e) {
      throw Error(cat(c.source, ": callback ", index, " (", all[index]->name(), "): ", e.what()));
    }
  }
}

}  // namespace plateau
