#include "plateau/callbacks/schedule_callback.h"

#include <limits>

#include "plateau/core/error.h"
#include "plateau/schedulers/schedule_spec.h"

namespace plateau::callbacks {

ScheduleCallback::ScheduleCallback(nlohmann::json spec)
    : ScheduleCallback([spec = std::move(spec)] { return make_schedule(spec); }) {}

ScheduleCallback::ScheduleCallback(std::function<std::unique_ptr<LRSchedule>()> make) : make_(std::move(make)) {
  name_ = make_()->name();  // a bad spec fails now, not at fit()
}

void ScheduleCallback::on_train_begin(TrainingState& s) {
  scheduler_ = std::make_unique<Scheduler>(make_(), *s.optimizer);
  // Continue from where the optimizer is: a resumed run is at its epoch / iteration count.
  scheduler_->set_step(scheduler_->schedule().unit() == ScheduleUnit::Epoch ? s.epoch : s.optimizer->step_count());
  if (scheduler_->schedule().unit() == ScheduleUnit::Batch) check_length(s);
}

void ScheduleCallback::check_length(TrainingState& s) const {
  // A schedule made for another number of steps than this run takes (a OneCycleLR computed for the whole
  // data set, run with --limit), said with both numbers before the first batch.
  const int64_t run = (s.epochs - s.initial_epoch) * s.steps_per_epoch;
  const std::string steps = cat(s.epochs - s.initial_epoch, " epochs x ", s.steps_per_epoch, " batches = ", run);
  if (const auto total = scheduler_->schedule().planned_steps()) {
    PLATEAU_CHECK(*total >= run, name_, ": total_steps is ", *total, ", but this run takes ", steps,
                  " steps; it would stop with an error at step ", *total + 1,
                  " (as PyTorch's does). Give it total_steps (or epochs and steps_per_epoch) for this run");
    if (*total > run)
      s.warn(cat(name_, ": total_steps is ", *total, ", but this run takes ", steps,
                 " steps; the cycle will not finish (the lr ends at step ", run, " of ", *total, ")"));
  }
  if (const auto cycle = scheduler_->schedule().cycle_steps(); cycle && *cycle > 0 && run % *cycle != 0)
    s.warn(cat(name_, ": one cycle is ", *cycle, " steps, but this run takes ", steps, " steps (",
               static_cast<double>(run) / static_cast<double>(*cycle), " cycles); it ends mid-cycle"));
}

nlohmann::json ScheduleCallback::state_dict() const {
  return {{"step", scheduler_ ? scheduler_->last_step() : 0}};
}

void ScheduleCallback::load_state_dict(const JsonField& state) {
  // The step last applied: a run stopped after a batch still had that batch's lr in effect.
  const int64_t step = state.at("step").integer(0, std::numeric_limits<int64_t>::max());
  if (scheduler_) scheduler_->restore_step(step);
}

void ScheduleCallback::on_epoch_begin(TrainingState& s) {
  if (scheduler_->schedule().unit() == ScheduleUnit::Epoch)
    s.set_group_lrs(scheduler_->move_to(s.epoch), name_, cat("epoch ", s.epoch));
}

void ScheduleCallback::on_batch_begin(TrainingState& s) {
  // A batch schedule moves the lr every step: its changes in one epoch are recorded as one.
  if (scheduler_->schedule().unit() == ScheduleUnit::Batch)
    s.set_group_lrs(scheduler_->move_to(s.optimizer->step_count()), name_, cat("over ", s.batch + 1, " steps"),
                    /*per_batch=*/true);
}

void ScheduleCallback::on_epoch_end(TrainingState& s) { s.logs["learning_rate"] = s.lr(); }

}  // namespace plateau::callbacks
