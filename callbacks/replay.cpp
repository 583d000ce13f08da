#include "plateau/callbacks/replay.h"

#include <cmath>

#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/lr_log.h"
#include "plateau/callbacks/model_checkpoint.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/sgd.h"

namespace plateau {

ReplayResult replay(CallbackList& callbacks, const std::vector<Logs>& epochs, double lr, int64_t initial_epoch) {
  auto model = build_model(nlohmann::json::parse(R"({"layers":[{"type":"Dense","units":1}]})"), Shape{1}, 0);
  SGD optimizer(model->parameters(), SGDOptions{.lr = lr});
  ReplayResult result;
  TrainingState s;
  s.model = model.get();
  s.optimizer = &optimizer;
  s.initial_epoch = initial_epoch;
  s.epochs = initial_epoch + static_cast<int64_t>(epochs.size());
  s.print = [&](const std::string& line) { result.messages.push_back(line); };
  std::map<std::string, size_t> seen;
  for (const Logs& l : epochs)
    for (const auto& [k, v] : l) ++seen[k];
  s.epoch_keys = {"learning_rate"};
  for (const auto& [k, n] : seen) (n == epochs.size() ? s.epoch_keys : s.occasional_keys).push_back(k);

  auto* checkpoint = callbacks.find<callbacks::ModelCheckpoint>();
  auto* stopper = callbacks.find<callbacks::EarlyStopping>();
  if (!callbacks.find<callbacks::LrLog>()) callbacks.add_tail(std::make_unique<callbacks::LrLog>());
  Variable weight = model->parameters()[0];
  callbacks.on_train_begin(s);
  for (size_t i = 0; i < epochs.size(); ++i) {
    s.epoch = initial_epoch + static_cast<int64_t>(i);
    s.logs.clear();
    callbacks.on_epoch_begin(s);
    const double epoch_lr = s.lr();
    weight.mutable_value()[0] = static_cast<float>(s.epoch);  // the end-of-epoch weights of this epoch
    s.logs = epochs[i];
    s.logs["learning_rate"] = epoch_lr;
    const size_t saved_before = checkpoint ? checkpoint->saved_epochs().size() : 0;
    callbacks.on_epoch_end(s);
    const bool saved = checkpoint && checkpoint->saved_epochs().size() > saved_before;
    result.epochs.push_back({s.epoch, epoch_lr, saved, s.stop_training});
    if (s.stop_training) {
      result.stopped_epoch = s.epoch;
      break;
    }
  }
  callbacks.on_train_end(s);
  if (stopper && stopper->options().restore_best_weights && stopper->has_best_weights())
    result.restored_epoch = static_cast<int64_t>(std::lround(weight.value()[0]));
  result.lr_changes = s.lr_changes;
  return result;
}

}  // namespace plateau
