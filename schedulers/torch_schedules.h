#pragma once
// The closed-form PyTorch schedulers (torch/optim/lr_scheduler.py, _get_closed_form_lr where it
// exists), with PyTorch's names, arguments and defaults. Each lr_at(t, base) is the lr after t calls
// of step(), base being the group's initial_lr.

#include <vector>

#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

// base · gamma^⌊t / step_size⌋
struct StepLROptions {
  int64_t step_size = 0;  // required
  double gamma = 0.1;
};
// Usage:
//   const StepLR schedule({.step_size = 7, .gamma = 0.1});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class StepLR : public LRSchedule {
 public:
  explicit StepLR(StepLROptions options);
  std::string name() const override { return "StepLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  int64_t step_size_;
  double gamma_;
};

// base · gamma^(number of milestones ≤ t)  (bisect_right: the change happens AT the milestone)
struct MultiStepLROptions {
  std::vector<int64_t> milestones;  // required
  double gamma = 0.1;
};
// Usage:
//   const MultiStepLR schedule({.milestones = {30, 80}, .gamma = 0.1});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class MultiStepLR : public LRSchedule {
 public:
  explicit MultiStepLR(MultiStepLROptions options);
  std::string name() const override { return "MultiStepLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  std::vector<int64_t> milestones_;
  double gamma_;
};

// base · gamma^t
struct ExponentialLROptions {
  double gamma = 0.0;  // required
};
// Usage:
//   const ExponentialLR schedule({.gamma = 0.95});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class ExponentialLR : public LRSchedule {
 public:
  explicit ExponentialLR(ExponentialLROptions options);
  std::string name() const override { return "ExponentialLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  double gamma_;
};

// eta_min + (base − eta_min)·(1 + cos(π·t/T_max))/2, periodic past T_max as PyTorch's is
struct CosineAnnealingLROptions {
  int64_t T_max = 0;  // required
  double eta_min = 0.0;
};
// Usage:
//   const CosineAnnealingLR schedule({.T_max = 50, .eta_min = 1e-5});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class CosineAnnealingLR : public LRSchedule {
 public:
  explicit CosineAnnealingLR(CosineAnnealingLROptions options);
  std::string name() const override { return "CosineAnnealingLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  int64_t T_max_;
  double eta_min_;
};

// SGDR: cosine from base to eta_min over T_i steps, then a restart with T_i ·= T_mult
struct CosineAnnealingWarmRestartsOptions {
  int64_t T_0 = 0;  // required
  int64_t T_mult = 1;
  double eta_min = 0.0;
};
// Usage:
//   const CosineAnnealingWarmRestarts schedule({.T_0 = 10, .T_mult = 2});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class CosineAnnealingWarmRestarts : public LRSchedule {
 public:
  explicit CosineAnnealingWarmRestarts(CosineAnnealingWarmRestartsOptions options);
  std::string name() const override { return "CosineAnnealingWarmRestarts"; }
  double lr_at(int64_t t, double base) const override;

 private:
  int64_t T_0_, T_mult_;
  double eta_min_;
};

// base · (start_factor + (end_factor − start_factor)·min(t, total_iters)/total_iters)
struct LinearLROptions {
  double start_factor = 1.0 / 3, end_factor = 1.0;
  int64_t total_iters = 5;
};
// Usage:
//   const LinearLR schedule({.start_factor = 0.1, .total_iters = 4});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class LinearLR : public LRSchedule {
 public:
  explicit LinearLR(LinearLROptions options);
  std::string name() const override { return "LinearLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  double start_, end_;
  int64_t total_;
};

// base · factor while t < total_iters, then base
struct ConstantLROptions {
  double factor = 1.0 / 3;
  int64_t total_iters = 5;
};
// Usage:
//   const ConstantLR schedule({.factor = 0.5, .total_iters = 3});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class ConstantLR : public LRSchedule {
 public:
  explicit ConstantLR(ConstantLROptions options);
  std::string name() const override { return "ConstantLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  double factor_;
  int64_t total_;
};

// base · (1 − min(t, total_iters)/total_iters)^power
struct PolynomialLROptions {
  int64_t total_iters = 5;
  double power = 1.0;
};
// Usage:
//   const PolynomialLR schedule({.total_iters = 20, .power = 2.0});
//   const double lr = schedule.lr_at(/*t=*/5, /*initial_lr=*/0.1);
class PolynomialLR : public LRSchedule {
 public:
  explicit PolynomialLR(PolynomialLROptions options);
  std::string name() const override { return "PolynomialLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  int64_t total_;
  double power_;
};

}  // namespace plateau
