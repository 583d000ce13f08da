#include "plateau/schedulers/scheduler.h"

#include <limits>

#include "plateau/core/error.h"

namespace plateau {

Scheduler::Scheduler(std::unique_ptr<LRSchedule> schedule, Optimizer& optimizer)
    : schedule_(std::move(schedule)), optimizer_(optimizer) {
  PLATEAU_CHECK(!schedule_->cycles_momentum() || optimizer_.uses_momentum() || optimizer_.uses_beta1(),
                schedule_->name(), ": optimizer ", optimizer_.name(),
                " has no momentum or beta1 to cycle; set \"cycle_momentum\": false");
  if (auto base = schedule_->initial_lr_override())
    for (ParamGroup& g : optimizer_.param_groups()) g.initial_lr = *base;
  set_step(0);
}

std::vector<double> Scheduler::move_to(int64_t t) {
  PLATEAU_CHECK(t >= 0, "Scheduler: step must be non-negative, got ", t);
  schedule_->check_step(t);
  t_ = t;
  const std::optional<double> momentum = schedule_->momentum_at(t_);
  std::vector<double> lrs;
  for (ParamGroup& g : optimizer_.param_groups()) {
    lrs.push_back(schedule_->lr_at(t_, g.initial_lr));
    if (momentum) {
      if (optimizer_.uses_beta1()) {
        g.beta1 = *momentum;
      } else {
        g.momentum = *momentum;
      }
    }
  }
  return lrs;
}

void Scheduler::step() { set_step(t_ + 1); }

void Scheduler::set_step(int64_t t) {
  const std::vector<double> lrs = move_to(t);
  for (size_t g = 0; g < lrs.size(); ++g) optimizer_.param_groups()[g].lr = lrs[g];
}

void Scheduler::restore_step(int64_t t) {
  PLATEAU_CHECK(t >= 0, "Scheduler: step must be non-negative, got ", t);
  t_ = t;
}

void Scheduler::load_state_dict(const JsonField& state) {
  set_step(state.at("t").integer(0, std::numeric_limits<int64_t>::max()));
}

}  // namespace plateau
