#include "schedulers/torch_schedules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace plateau {

StepLR::StepLR(int64_t step_size, double gamma) : LRSchedule(ScheduleUnit::Epoch), step_size_(step_size), gamma_(gamma) {
  PLATEAU_CHECK(step_size >= 1, "StepLR: step_size must be a positive integer, got ", step_size);
}
double StepLR::lr_at(int64_t t, double base) const { return base * std::pow(gamma_, static_cast<double>(t / step_size_)); }

MultiStepLR::MultiStepLR(std::vector<int64_t> milestones, double gamma)
    : LRSchedule(ScheduleUnit::Epoch), milestones_(std::move(milestones)), gamma_(gamma) {
  PLATEAU_CHECK(std::is_sorted(milestones_.begin(), milestones_.end()),
                "MultiStepLR: milestones must be increasing");
}
double MultiStepLR::lr_at(int64_t t, double base) const {
  const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), t) - milestones_.begin();
  return base * std::pow(gamma_, static_cast<double>(passed));
}

ExponentialLR::ExponentialLR(double gamma) : LRSchedule(ScheduleUnit::Epoch), gamma_(gamma) {
  PLATEAU_CHECK(gamma > 0.0, "ExponentialLR: gamma must be positive, got ", gamma);
}
double ExponentialLR::lr_at(int64_t t, double base) const { return base * std::pow(gamma_, static_cast<double>(t)); }

CosineAnnealingLR::CosineAnnealingLR(int64_t T_max, double eta_min)
    : LRSchedule(ScheduleUnit::Epoch), T_max_(T_max), eta_min_(eta_min) {
  PLATEAU_CHECK(T_max >= 1, "CosineAnnealingLR: T_max must be a positive integer, got ", T_max);
}
double CosineAnnealingLR::lr_at(int64_t t, double base) const {
  return eta_min_ + (base - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(t) / T_max_)) / 2.0;
}

CosineAnnealingWarmRestarts::CosineAnnealingWarmRestarts(int64_t T_0, int64_t T_mult, double eta_min)
    : LRSchedule(ScheduleUnit::Epoch), T_0_(T_0), T_mult_(T_mult), eta_min_(eta_min) {
  PLATEAU_CHECK(T_0 >= 1, "CosineAnnealingWarmRestarts: T_0 must be a positive integer, got ", T_0);
  PLATEAU_CHECK(T_mult >= 1, "CosineAnnealingWarmRestarts: T_mult must be an integer >= 1, got ", T_mult);
}
double CosineAnnealingWarmRestarts::lr_at(int64_t t, double base) const {
  int64_t T_cur = t, T_i = T_0_;  // the same integer walk as PyTorch's step(): exact at every restart
  while (T_cur >= T_i) {
    T_cur -= T_i;
    T_i *= T_mult_;
  }
  return eta_min_ + (base - eta_min_) * (1.0 + std::cos(std::numbers::pi * static_cast<double>(T_cur) / T_i)) / 2.0;
}

LinearLR::LinearLR(double start_factor, double end_factor, int64_t total_iters)
    : LRSchedule(ScheduleUnit::Epoch), start_(start_factor), end_(end_factor), total_(total_iters) {
  PLATEAU_CHECK(start_factor > 0.0 && start_factor <= 1.0, "LinearLR: start_factor must be in (0, 1], got ",
                start_factor);
  PLATEAU_CHECK(end_factor >= 0.0 && end_factor <= 1.0, "LinearLR: end_factor must be in [0, 1], got ", end_factor);
  PLATEAU_CHECK(total_iters >= 1, "LinearLR: total_iters must be a positive integer, got ", total_iters);
}
double LinearLR::lr_at(int64_t t, double base) const {
  return base * (start_ + (end_ - start_) * static_cast<double>(std::min(t, total_)) / static_cast<double>(total_));
}

ConstantLR::ConstantLR(double factor, int64_t total_iters)
    : LRSchedule(ScheduleUnit::Epoch), factor_(factor), total_(total_iters) {
  PLATEAU_CHECK(factor >= 0.0 && factor <= 1.0, "ConstantLR: factor must be in [0, 1], got ", factor);
  PLATEAU_CHECK(total_iters >= 0, "ConstantLR: total_iters must be non-negative, got ", total_iters);
}
double ConstantLR::lr_at(int64_t t, double base) const { return t < total_ ? base * factor_ : base; }

PolynomialLR::PolynomialLR(int64_t total_iters, double power)
    : LRSchedule(ScheduleUnit::Epoch), total_(total_iters), power_(power) {
  PLATEAU_CHECK(total_iters >= 1, "PolynomialLR: total_iters must be a positive integer, got ", total_iters);
}
double PolynomialLR::lr_at(int64_t t, double base) const {
  return base * std::pow(1.0 - static_cast<double>(std::min(t, total_)) / static_cast<double>(total_), power_);
}

}  // namespace plateau
