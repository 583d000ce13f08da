#pragma once
// OneCycleLR as PyTorch's (torch/optim/lr_scheduler.py OneCycleLR, Smith & Topin 2018): warm up from
// max_lr/div_factor to max_lr over pct_start of total_steps, then anneal (cos or linear) to
// initial_lr/final_div_factor; three_phase comes back to the initial lr before the final anneal.
// Momentum (or Adam's beta1) cycles inversely. Steps per batch; stepping past total_steps is an error.

#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

struct OneCycleLROptions {
  double max_lr = 0.0;
  int64_t total_steps = 0;  // or epochs · steps_per_epoch
  double pct_start = 0.3;
  std::string anneal_strategy = "cos";  // "cos" | "linear"
  bool cycle_momentum = true;
  double base_momentum = 0.85, max_momentum = 0.95;
  double div_factor = 25.0, final_div_factor = 1e4;
  bool three_phase = false;
};

// Usage:
//   const OneCycleLR one({.max_lr = 0.01, .total_steps = 1000});
//   const double peak = one.lr_at(/*t=*/299, /*initial_lr=*/0.0);  // max_lr at the end of the warmup
class OneCycleLR : public LRSchedule {
 public:
  explicit OneCycleLR(OneCycleLROptions options);
  std::string name() const override { return "OneCycleLR"; }
  double lr_at(int64_t t, double base) const override;
  std::optional<double> momentum_at(int64_t t) const override;
  bool cycles_momentum() const override { return options_.cycle_momentum; }
  void check_step(int64_t t) const override;
  std::optional<int64_t> planned_steps() const override { return options_.total_steps; }
  std::optional<double> initial_lr_override() const override { return initial_lr_; }

 private:
  struct Phase {
    double end_step, start_lr, end_lr, start_momentum, end_momentum;
  };
  // Returns (lr, momentum) at step t, walking the phases as PyTorch's get_lr does.
  std::pair<double, double> at(int64_t t) const;
  double anneal(double start, double end, double pct) const;

  OneCycleLROptions options_;
  double initial_lr_, min_lr_;
  std::vector<Phase> phases_;
};

}  // namespace plateau
