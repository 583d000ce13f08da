#include "callbacks/schedule_callback.h"

#include <limits>

#include "core/error.h"
#include "schedulers/schedule_spec.h"

namespace plateau::callbacks {

ScheduleCallback::ScheduleCallback(nlohmann::json spec) : spec_(std::move(spec)) {
  name_ = make_schedule(spec_)->name();  // validates the spec now
}

void ScheduleCallback::on_train_begin(TrainingState& s) {
  scheduler_ = std::make_unique<Scheduler>(make_schedule(spec_), *s.optimizer);
  // Continue from where the optimizer is: a resumed run is at its epoch / iteration count.
  scheduler_->set_step(scheduler_->schedule().unit() == ScheduleUnit::Epoch ? s.epoch : s.optimizer->step_count());
  lr_at_epoch_begin_ = s.lr();
}

nlohmann::json ScheduleCallback::state_dict() const {
  return {{"lr_at_epoch_begin", lr_at_epoch_begin_}, {"step", scheduler_ ? scheduler_->last_step() : 0}};
}

void ScheduleCallback::load_state_dict(const JsonField& state) {
  const double lr = state.at("lr_at_epoch_begin").number();
  // The step last applied: a run stopped after a batch still had that batch's lr in effect.
  const int64_t step = state.at("step").integer(0, std::numeric_limits<int64_t>::max());
  lr_at_epoch_begin_ = lr;
  if (scheduler_) scheduler_->restore_step(step);
}

void ScheduleCallback::on_epoch_begin(TrainingState& s) {
  lr_at_epoch_begin_ = s.lr();
  if (scheduler_->schedule().unit() != ScheduleUnit::Epoch) return;
  const double old_lr = s.lr();
  scheduler_->set_step(s.epoch);
  if (s.lr() != old_lr) s.lr_changes.push_back({s.epoch, name_, old_lr, s.lr(), cat("epoch ", s.epoch)});
  lr_at_epoch_begin_ = s.lr();
}

void ScheduleCallback::on_batch_begin(TrainingState& s) {
  if (scheduler_->schedule().unit() == ScheduleUnit::Batch) scheduler_->set_step(s.optimizer->step_count());
}

void ScheduleCallback::on_epoch_end(TrainingState& s) {
  // A batch schedule changes the lr every step: one summary line per epoch.
  if (scheduler_->schedule().unit() == ScheduleUnit::Batch && s.lr() != lr_at_epoch_begin_)
    s.lr_changes.push_back({s.epoch, name_, lr_at_epoch_begin_, s.lr(), cat("over ", s.batch + 1, " steps")});
  s.logs["learning_rate"] = s.lr();
}

}  // namespace plateau::callbacks
