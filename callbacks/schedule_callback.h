#pragma once
// ScheduleCallback: the adapter that drives a time schedule (schedulers/) from fit(): an epoch schedule
// is set to the absolute epoch at on_epoch_begin; a batch schedule to the optimizer's iteration count
// at on_batch_begin (so it continues across resumes). (PyTorch's ReduceLROnPlateau, which needs a monitored
// value rather than time, has its own adapter: plateau_schedule_callback.h.)

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "plateau/callbacks/callback.h"
#include "plateau/schedulers/scheduler.h"

namespace plateau::callbacks {

// PyTorch: calling scheduler.step() at the end of every epoch (or batch); Keras: LearningRateScheduler,
// or a LearningRateSchedule given to the optimizer (per batch).
// Usage:
//   callbacks.add(std::make_unique<callbacks::ScheduleCallback>(nlohmann::json{{"name", "StepLR"}, {"step_size", 7}}));
class ScheduleCallback : public Callback {
 public:
  explicit ScheduleCallback(nlohmann::json spec);  // a schedule spec: {"name":"StepLR","step_size":7}
  // A schedule of the user's own (an LRSchedule subclass), made anew at every fit():
  //   ScheduleCallback([] { return std::make_unique<WarmupThenDecay>(2, 0.7); })
  explicit ScheduleCallback(std::function<std::unique_ptr<LRSchedule>()> make);
  std::string name() const override { return name_; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_begin(TrainingState& s) override;
  void on_batch_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;

 private:
  void check_length(TrainingState& s) const;  // warns when a batch schedule does not fit the run

  std::function<std::unique_ptr<LRSchedule>()> make_;
  std::string name_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace plateau::callbacks
