#include "plateau/schedulers/composite_schedules.h"

#include <algorithm>

#include "plateau/core/error.h"

namespace plateau {

SequentialLR::SequentialLR(std::vector<std::unique_ptr<LRSchedule>> schedulers, std::vector<int64_t> milestones)
    : LRSchedule(ScheduleUnit::Epoch), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  PLATEAU_CHECK(!schedulers_.empty(), "SequentialLR: schedulers must not be empty");
  PLATEAU_CHECK(milestones_.size() + 1 == schedulers_.size(), "SequentialLR: expected ", schedulers_.size() - 1,
                " milestones for ", schedulers_.size(), " schedulers, got ", milestones_.size());
  PLATEAU_CHECK(std::is_sorted(milestones_.begin(), milestones_.end()), "SequentialLR: milestones must be increasing");
  set_unit(schedulers_[0]->unit());
}

std::pair<const LRSchedule*, int64_t> SequentialLR::active(int64_t t) const {
  const size_t k = std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin();
  return {schedulers_[k].get(), k == 0 ? t : t - milestones_[k - 1]};
}

double SequentialLR::lr_at(int64_t t, double base) const {
  const auto [s, local] = active(t);
  return s->lr_at(local, s->initial_lr_override().value_or(base));
}

std::optional<double> SequentialLR::momentum_at(int64_t t) const {
  const auto [s, local] = active(t);
  return s->momentum_at(local);
}

bool SequentialLR::cycles_momentum() const {
  return std::any_of(schedulers_.begin(), schedulers_.end(), [](const auto& s) { return s->cycles_momentum(); });
}

void SequentialLR::check_step(int64_t t) const {
  const auto [s, local] = active(t);
  s->check_step(local);
}

ChainedScheduler::ChainedScheduler(std::vector<std::unique_ptr<LRSchedule>> schedulers)
    : LRSchedule(ScheduleUnit::Epoch), schedulers_(std::move(schedulers)) {
  PLATEAU_CHECK(!schedulers_.empty(), "ChainedScheduler: schedulers must not be empty");
  for (const auto& s : schedulers_)
    PLATEAU_CHECK(!s->initial_lr_override(), "ChainedScheduler: ", s->name(),
                  " sets its own base lr and cannot be chained; use SequentialLR");
  set_unit(schedulers_[0]->unit());
}

double ChainedScheduler::lr_at(int64_t t, double base) const {
  double lr = base;
  for (const auto& s : schedulers_) lr *= base != 0.0 ? s->lr_at(t, base) / base : 0.0;
  return lr;
}

void ChainedScheduler::check_step(int64_t t) const {
  for (const auto& s : schedulers_) s->check_step(t);
}

}  // namespace plateau
