#pragma once
// LambdaLR and MultiplicativeLR as PyTorch's, with the function written as an expression over
// `epoch` (the step count t): LambdaLR gives base · f(t); MultiplicativeLR multiplies the lr by f(t)
// at every step after the first, so lr(t) = base · f(1) · … · f(t).

#include "plateau/schedulers/expression.h"
#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

// Usage:
//   const LambdaLR warm("epoch < 3 ? (epoch + 1) / 3 : 1");
//   const double lr = warm.lr_at(/*t=*/0, /*initial_lr=*/0.1);  // 0.0333…
class LambdaLR : public LRSchedule {
 public:
  explicit LambdaLR(const std::string& lr_lambda);
  std::string name() const override { return "LambdaLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  Expression f_;
};

// Usage:
//   const MultiplicativeLR decay("0.95");
//   const double lr = decay.lr_at(/*t=*/2, /*initial_lr=*/0.1);  // 0.1 · 0.95²
class MultiplicativeLR : public LRSchedule {
 public:
  explicit MultiplicativeLR(const std::string& lr_lambda);
  std::string name() const override { return "MultiplicativeLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  Expression f_;
};

}  // namespace plateau
