#include "plateau/callbacks/plateau_schedule_callback.h"

#include "plateau/core/error.h"
#include "plateau/schedulers/schedule_spec.h"

namespace plateau::callbacks {

PlateauScheduleCallback::PlateauScheduleCallback(const nlohmann::json& spec) {
  nlohmann::json rest = spec;
  monitor_ = rest.value("monitor", "val_loss");
  rest.erase("monitor");
  options_ = plateau_options(rest);
}

void PlateauScheduleCallback::on_train_begin(TrainingState& s) {
  PLATEAU_CHECK(s.has_key(monitor_), "ReduceLROnPlateau: monitor '", monitor_,
                "' is not in any epoch's logs (available: ", s.known_keys(), ")");
  plateau_ = std::make_unique<ReduceLROnPlateau>(*s.optimizer, options_);
  if (!pending_state_.is_null()) plateau_->load_state_dict(JsonField(pending_state_, pending_source_));
}

void PlateauScheduleCallback::on_epoch_end(TrainingState& s) {
  s.logs["learning_rate"] = s.lr();
  auto it = s.logs.find(monitor_);
  if (it == s.logs.end()) return;
  const int64_t bad = plateau_->num_bad_epochs();
  if (const auto lrs = plateau_->next_lrs(it->second))
    s.set_group_lrs(*lrs, name(),
                    cat(monitor_, " ", it->second, " not better than ", plateau_->best(), " for ", bad + 1, " epochs"));
}

nlohmann::json PlateauScheduleCallback::state_dict() const {
  return plateau_ ? plateau_->state_dict() : pending_state_;
}

void PlateauScheduleCallback::load_state_dict(const JsonField& state) {
  if (plateau_) plateau_->load_state_dict(state);
  pending_state_ = state.value();
  pending_source_ = state.source() + " (" + state.path() + ")";
}

}  // namespace plateau::callbacks
