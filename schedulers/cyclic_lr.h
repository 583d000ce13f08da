#pragma once
// CyclicLR as PyTorch's (torch/optim/lr_scheduler.py CyclicLR, Smith 2017): the lr cycles between
// base_lr and max_lr over step_size_up + step_size_down steps; momentum cycles the other way between
// max_momentum and base_momentum. Modes: triangular, triangular2 (amplitude halves each cycle),
// exp_range (amplitude · gamma^t). Steps per batch. base_lr replaces the optimizer's lr.

#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

struct CyclicLROptions {
  double base_lr = 0.0, max_lr = 0.0;
  int64_t step_size_up = 2000;
  int64_t step_size_down = 0;  // 0: same as step_size_up
  std::string mode = "triangular";
  double gamma = 1.0;
  bool cycle_momentum = true;
  double base_momentum = 0.8, max_momentum = 0.9;
};

// Usage:
//   const CyclicLR clr({.base_lr = 1e-3, .max_lr = 1e-2, .step_size_up = 500});
//   const double peak = clr.lr_at(/*t=*/500, /*initial_lr=*/1e-3);  // 1e-2
class CyclicLR : public LRSchedule {
 public:
  explicit CyclicLR(CyclicLROptions options);
  std::string name() const override { return "CyclicLR"; }
  double lr_at(int64_t t, double base) const override;
  std::optional<double> momentum_at(int64_t t) const override;
  bool cycles_momentum() const override { return options_.cycle_momentum; }
  std::optional<double> initial_lr_override() const override { return options_.base_lr; }
  std::optional<int64_t> cycle_steps() const override { return static_cast<int64_t>(total_size_); }

 private:
  double scale_factor(int64_t t) const;  // position in the cycle: 0 at base, 1 at max
  double amplitude(int64_t t) const;      // scale_fn of the mode

  CyclicLROptions options_;
  double total_size_, step_ratio_;
};

}  // namespace plateau
