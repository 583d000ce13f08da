#include "plateau/schedulers/cyclic_lr.h"

#include <cmath>

#include "plateau/core/error.h"

namespace plateau {

CyclicLR::CyclicLR(CyclicLROptions o) : LRSchedule(ScheduleUnit::Batch), options_(std::move(o)) {
  PLATEAU_CHECK(options_.step_size_up >= 1, "CyclicLR: step_size_up must be a positive integer, got ",
                options_.step_size_up);
  PLATEAU_CHECK(options_.step_size_down >= 0, "CyclicLR: step_size_down must be non-negative, got ",
                options_.step_size_down);
  PLATEAU_CHECK(options_.mode == "triangular" || options_.mode == "triangular2" || options_.mode == "exp_range",
                "CyclicLR: mode must be triangular, triangular2 or exp_range, got '", options_.mode, "'");
  PLATEAU_CHECK(options_.base_lr >= 0.0 && options_.max_lr >= 0.0, "CyclicLR: base_lr and max_lr must be ",
                "non-negative, got ", options_.base_lr, " and ", options_.max_lr);
  const double up = static_cast<double>(options_.step_size_up);
  const double down = options_.step_size_down > 0 ? static_cast<double>(options_.step_size_down) : up;
  total_size_ = up + down;
  step_ratio_ = up / total_size_;
}

double CyclicLR::scale_factor(int64_t t) const {
  const double cycle = std::floor(1.0 + static_cast<double>(t) / total_size_);
  const double x = 1.0 + static_cast<double>(t) / total_size_ - cycle;
  return x <= step_ratio_ ? x / step_ratio_ : (x - 1.0) / (step_ratio_ - 1.0);
}

double CyclicLR::amplitude(int64_t t) const {
  if (options_.mode == "triangular") return 1.0;
  if (options_.mode == "triangular2") {  // scale_mode "cycle": by cycle number
    const double cycle = std::floor(1.0 + static_cast<double>(t) / total_size_);
    return 1.0 / std::pow(2.0, cycle - 1.0);
  }
  return std::pow(options_.gamma, static_cast<double>(t));  // exp_range, scale_mode "iterations"
}

double CyclicLR::lr_at(int64_t t, double) const {
  return options_.base_lr + (options_.max_lr - options_.base_lr) * scale_factor(t) * amplitude(t);
}

std::optional<double> CyclicLR::momentum_at(int64_t t) const {
  if (!options_.cycle_momentum) return std::nullopt;
  return options_.max_momentum - (options_.max_momentum - options_.base_momentum) * scale_factor(t) * amplitude(t);
}

}  // namespace plateau
