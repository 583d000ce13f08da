#include "plateau/schedulers/torch_schedules.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "plateau/core/error.h"

namespace plateau {

StepLR::StepLR(StepLROptions o) : LRSchedule(ScheduleUnit::Epoch), step_size_(o.step_size), gamma_(o.gamma) {
  PLATEAU_CHECK(step_size_ >= 1, "StepLR: step_size must be a positive integer, got ", step_size_);
}
double StepLR::lr_at(int64_t t, double base) const { return base * std::pow(gamma_, static_cast<double>(t / step_size_)); }

MultiStepLR::MultiStepLR(MultiStepLROptions o)
    : LRSchedule(ScheduleUnit::Epoch), milestones_(std::move(o.milestones)), gamma_(o.gamma) {
  PLATEAU_CHECK(std::is_sorted(milestones_.begin(), milestones_.end()),
                "MultiStepLR: milestones must be increasing");
}
double MultiStepLR::lr_at(int64_t t, double base) const {
  const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin();
  return base * std::pow(gamma_, static_cast<double>(passed));
}

ExponentialLR::ExponentialLR(ExponentialLROptions o) : LRSchedule(ScheduleUnit::Epoch), gamma_(o.gamma) {
  PLATEAU_CHECK(gamma_ > 0.0, "ExponentialLR: gamma must be positive, got ", gamma_);
}
double ExponentialLR::lr_at(int64_t t, double base) const { return base * std::pow(gamma_, static_cast<double>(t)); }

CosineAnnealingLR::CosineAnnealingLR(CosineAnnealingLROptions o)
    : LRSchedule(ScheduleUnit::Epoch), T_max_(o.T_max), eta_min_(o.eta_min) {
  PLATEAU_CHECK(T_max_ >= 1, "CosineAnnealingLR: T_max must be a positive integer, got ", T_max_);
}
double CosineAnnealingLR::lr_at(int64_t t, double base) const {
  return eta_min_ + (base - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(t) / T_max_)) / 2.0;
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(CosineAnnealingWarmRestartsOptions o)
    : LRSchedule(ScheduleUnit::Epoch), T_0_(o.T_0), T_mult_(o.T_mult), eta_min_(o.eta_min) {
  PLATEAU_CHECK(T_0_ >= 1, "CosineAnnealingWarmRestarts: T_0 must be a positive integer, got ", T_0_);
  PLATEAU_CHECK(T_mult_ >= 1, "CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got ", T_mult_);
}
double CosineAnnealingWarmRestarts::lr_at(int64_t t, double base) const {
  int64_t T_cur = t, T_i = T_0_;  // the same integer walk as PyTorch's step(): exact at every restart
  while (T_cur >= T_i) {
    T_cur -= T_i;
    if (T_i > std::numeric_limits<int64_t>::max() / T_mult_) break;  // no later restart fits an int64 step
    T_i *= T_mult_;
  }
  return eta_min_ + (base - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(T_cur) / T_i)) / 2.0;
}

LinearLR::LinearLR(LinearLROptions o)
    : LRSchedule(ScheduleUnit::Epoch), start_(o.start_factor), end_(o.end_factor), total_(o.total_iters) {
  PLATEAU_CHECK(start_ > 0.0 && start_ <= 1.0, "LinearLR: start_factor must be in (0, 1], got ", start_);
  PLATEAU_CHECK(end_ >= 0.0 && end_ <= 1.0, "LinearLR: end_factor must be in [0, 1], got ", end_);
  PLATEAU_CHECK(total_ >= 1, "LinearLR: total_iters must be a positive integer, got ", total_);
}
double LinearLR::lr_at(int64_t t, double base) const {
  return base * (start_ + (end_ - start_) * static_cast<double>(std::min(t, total_)) / static_cast<double>(total_));
}

ConstantLR::ConstantLR(ConstantLROptions o)
    : LRSchedule(ScheduleUnit::Epoch), factor_(o.factor), total_(o.total_iters) {
  PLATEAU_CHECK(factor_ >= 0.0 && factor_ <= 1.0, "ConstantLR: factor must be in [0, 1], got ", factor_);
  PLATEAU_CHECK(total_ >= 0, "ConstantLR: total_iters must be non-negative, got ", total_);
}
double ConstantLR::lr_at(int64_t t, double base) const { return t < total_ ? base * factor_ : base; }

PolynomialLR::PolynomialLR(PolynomialLROptions o)
    : LRSchedule(ScheduleUnit::Epoch), total_(o.total_iters), power_(o.power) {
  PLATEAU_CHECK(total_ >= 1, "PolynomialLR: total_iters must be a positive integer, got ", total_);
}
double PolynomialLR::lr_at(int64_t t, double base) const {
  return base * std::pow(1.0 - static_cast<double>(std::min(t, total_)) / static_cast<double>(total_), power_);
}

}  // namespace plateau
