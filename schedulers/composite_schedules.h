#pragma once
// SequentialLR and ChainedScheduler as PyTorch's.
// SequentialLR: schedule k runs from milestone k−1 on, restarted at its own t = 0 (PyTorch calls
// step(0) on it at the milestone).
// ChainedScheduler: every schedule steps together and each scales the lr the previous left, so for
// PyTorch's chainable (multiplicative) forms lr(t) = base · Π_i lr_i(t)/base.

#include <memory>
#include <vector>

#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

// Usage:
//   std::vector<std::unique_ptr<LRSchedule>> parts;
//   parts.push_back(std::make_unique<LinearLR>(LinearLROptions{.start_factor = 0.1, .total_iters = 3}));
//   parts.push_back(std::make_unique<CosineAnnealingLR>(CosineAnnealingLROptions{.T_max = 20}));
//   const SequentialLR warmup_then_cosine(std::move(parts), {3});
class SequentialLR : public LRSchedule {
 public:
  SequentialLR(std::vector<std::unique_ptr<LRSchedule>> schedulers, std::vector<int64_t> milestones);
  std::string name() const override { return "SequentialLR"; }
  double lr_at(int64_t t, double base) const override;
  std::optional<double> momentum_at(int64_t t) const override;
  bool cycles_momentum() const override;
  void check_step(int64_t t) const override;

 private:
  std::pair<const LRSchedule*, int64_t> active(int64_t t) const;  // the schedule and its own t

  std::vector<std::unique_ptr<LRSchedule>> schedulers_;
  std::vector<int64_t> milestones_;
};

// Usage:
//   std::vector<std::unique_ptr<LRSchedule>> parts;
//   parts.push_back(std::make_unique<ConstantLR>(ConstantLROptions{.factor = 0.5, .total_iters = 2}));
//   parts.push_back(std::make_unique<ExponentialLR>(ExponentialLROptions{.gamma = 0.9}));
//   const ChainedScheduler both(std::move(parts));
class ChainedScheduler : public LRSchedule {
 public:
  explicit ChainedScheduler(std::vector<std::unique_ptr<LRSchedule>> schedulers);
  std::string name() const override { return "ChainedScheduler"; }
  double lr_at(int64_t t, double base) const override;
  void check_step(int64_t t) const override;

 private:
  std::vector<std::unique_ptr<LRSchedule>> schedulers_;
};

}  // namespace plateau
