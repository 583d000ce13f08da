#include "plateau/schedulers/one_cycle_lr.h"

#include <cmath>
#include <numbers>

#include "plateau/core/error.h"

namespace plateau {

OneCycleLR::OneCycleLR(OneCycleLROptions o) : LRSchedule(ScheduleUnit::Batch), options_(std::move(o)) {
  const auto& p = options_;
  PLATEAU_CHECK(p.total_steps >= 1, "OneCycleLR: total_steps must be a positive integer (or give epochs and ",
                "steps_per_epoch), got ", p.total_steps);
  PLATEAU_CHECK(p.pct_start >= 0.0 && p.pct_start <= 1.0, "OneCycleLR: pct_start must be in [0, 1], got ",
                p.pct_start);
  PLATEAU_CHECK(p.anneal_strategy == "cos" || p.anneal_strategy == "linear",
                "OneCycleLR: anneal_strategy must be \"cos\" or \"linear\", got \"", p.anneal_strategy, "\"");
  PLATEAU_CHECK(p.max_lr > 0.0, "OneCycleLR: max_lr must be positive, got ", p.max_lr);
  initial_lr_ = p.max_lr / p.div_factor;
  min_lr_ = initial_lr_ / p.final_div_factor;
  const double T = static_cast<double>(p.total_steps);
  if (p.three_phase) {
    phases_ = {{p.pct_start * T - 1, initial_lr_, p.max_lr, p.max_momentum, p.base_momentum},
               {2 * p.pct_start * T - 2, p.max_lr, initial_lr_, p.base_momentum, p.max_momentum},
               {T - 1, initial_lr_, min_lr_, p.max_momentum, p.max_momentum}};
  } else {
    phases_ = {{p.pct_start * T - 1, initial_lr_, p.max_lr, p.max_momentum, p.base_momentum},
               {T - 1, p.max_lr, min_lr_, p.base_momentum, p.max_momentum}};
  }
}

double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy == "linear") return (end - start) * pct + start;
  return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
}

void OneCycleLR::check_step(int64_t t) const {
  PLATEAU_CHECK(t <= options_.total_steps, "OneCycleLR: tried to step ", t, " times; the specified number of ",
                "total steps is ", options_.total_steps);
}

std::pair<double, double> OneCycleLR::at(int64_t t) const {
  check_step(t);
  double start_step = 0.0;
  for (size_t i = 0; i < phases_.size(); ++i) {
    const Phase& ph = phases_[i];
    if (static_cast<double>(t) <= ph.end_step || i + 1 == phases_.size()) {
      const double pct = (static_cast<double>(t) - start_step) / (ph.end_step - start_step);
      return {anneal(ph.start_lr, ph.end_lr, pct), anneal(ph.start_momentum, ph.end_momentum, pct)};
    }
    start_step = ph.end_step;
  }
  return {min_lr_, options_.max_momentum};
}

double OneCycleLR::lr_at(int64_t t, double) const { return at(t).first; }

std::optional<double> OneCycleLR::momentum_at(int64_t t) const {
  if (!options_.cycle_momentum) return std::nullopt;
  return at(t).second;
}

}  // namespace plateau
