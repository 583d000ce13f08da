#include "plateau/callbacks/early_stopping.h"

#include <limits>

#include "plateau/callbacks/state_json.h"
#include "plateau/core/error.h"

namespace plateau::callbacks {

EarlyStopping::EarlyStopping(EarlyStoppingOptions o)
    : options_(std::move(o)), monitor_(options_.monitor, options_.mode, options_.min_delta, "EarlyStopping") {
  PLATEAU_CHECK(options_.patience >= 0, "EarlyStopping: patience must be non-negative, got ", options_.patience);
  PLATEAU_CHECK(options_.start_from_epoch >= 0, "EarlyStopping: start_from_epoch must be non-negative, got ",
                options_.start_from_epoch);
}

void EarlyStopping::on_train_begin(TrainingState& s) {
  model_ = s.model;
  wait_ = 0;
  stopped_epoch_ = 0;
  best_.reset();
  best_weights_.clear();
  best_epoch_ = 0;
  PLATEAU_CHECK(s.has_key(options_.monitor), "EarlyStopping: monitor '", options_.monitor,
                "' is not in any epoch's logs (available: ", s.known_keys(), ")");
}

void EarlyStopping::on_epoch_end(TrainingState& s) {
  auto it = s.logs.find(options_.monitor);
  if (it == s.logs.end() || s.epoch < options_.start_from_epoch) return;
  const double v = it->second;
  if (options_.restore_best_weights && best_weights_.empty()) {
    best_weights_ = s.model->state_dict();
    best_epoch_ = s.epoch;
  }
  ++wait_;
  if (monitor_.is_improvement(v, best_)) {
    best_ = v;
    best_epoch_ = s.epoch;
    if (options_.restore_best_weights) best_weights_ = s.model->state_dict();
    if (!options_.baseline || monitor_.is_improvement(v, options_.baseline)) wait_ = 0;
    return;
  }
  if (wait_ >= options_.patience && s.epoch > 0) {
    stopped_epoch_ = s.epoch;
    s.stop_training = true;
  }
}

void EarlyStopping::on_train_end(TrainingState& s) {
  if (stopped_epoch_ > 0) s.print(cat("Epoch ", stopped_epoch_ + 1, ": early stopping"));
  if (options_.restore_best_weights && !best_weights_.empty()) {
    s.print(cat("Restoring model weights from the end of the best epoch: ", best_epoch_ + 1, "."));
    s.model->load_state_dict(best_weights_, "EarlyStopping's best weights");
  }
}

void EarlyStopping::load_state_tensors(const StateDict& t) {
  // Checked now, not when training ends and the weights are restored.
  if (model_) model_->check_state_dict(t, "EarlyStopping's best weights in the checkpoint");
  best_weights_ = t;
}

nlohmann::json EarlyStopping::state_dict() const {
  // The best weights themselves are tensors; checkpoints store them beside this JSON.
  return {{"best", optional_to_json(best_)},
          {"wait", wait_},
          {"stopped_epoch", stopped_epoch_},
          {"best_epoch", best_epoch_},
          {"has_best_weights", !best_weights_.empty()}};
}

void EarlyStopping::load_state_dict(const JsonField& j) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::optional<double> best = optional_from_json(j.at("best"));
  const int64_t wait = j.at("wait").integer(0, kMax), stopped = j.at("stopped_epoch").integer(0, kMax),
                best_epoch = j.at("best_epoch").integer(0, kMax);
  best_ = best;
  wait_ = wait;
  stopped_epoch_ = stopped;
  best_epoch_ = best_epoch;
}

}  // namespace plateau::callbacks
