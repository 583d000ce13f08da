#pragma once
// Scheduler: drives an optimizer with an LRSchedule, as a PyTorch scheduler object does. The
// constructor applies step 0 (PyTorch's initial step); each step() advances t and writes every
// group's lr = schedule.lr_at(t, group.initial_lr), and the momentum (SGD, RMSprop) or beta1 (Adam)
// of cycling schedules. Its state is t alone.

#include <memory>

#include "plateau/core/json_field.h"
#include "plateau/optim/optimizer.h"
#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

// PyTorch: a torch.optim.lr_scheduler object bound to its optimizer.
// Usage:
//   Scheduler scheduler(std::make_unique<StepLR>(StepLROptions{.step_size = 7}), optimizer);
//   scheduler.step();  // once per epoch, after the epoch's optimizer steps
class Scheduler {
 public:
  Scheduler(std::unique_ptr<LRSchedule> schedule, Optimizer& optimizer);

  void step();
  void set_step(int64_t t);  // jump to step t and write its lrs (and cycled momentum) into the optimizer
  // Jumps to step t and writes the cycled momentum (or beta1), but returns the lrs of step t, one per
  // group, for the caller to set: fit()'s schedule callback sets them through TrainingState::set_group_lrs.
  std::vector<double> move_to(int64_t t);
  // Sets t without touching the optimizer, whose restored state already holds step t's values.
  void restore_step(int64_t t);
  int64_t last_step() const { return t_; }  // number of step() calls so far
  const LRSchedule& schedule() const { return *schedule_; }

  nlohmann::json state_dict() const { return {{"t", t_}}; }
  void load_state_dict(const JsonField& state);  // sets t and applies it

 private:

  std::unique_ptr<LRSchedule> schedule_;
  Optimizer& optimizer_;
  int64_t t_ = 0;
};

}  // namespace plateau
