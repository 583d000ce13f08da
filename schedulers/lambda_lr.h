#pragma once
// LambdaLR and MultiplicativeLR as PyTorch's, with the function written as an expression over
// `epoch` (the step count t): LambdaLR gives base · f(t); MultiplicativeLR multiplies the lr by f(t)
// at every step after the first, so lr(t) = base · f(1) · … · f(t).

#include "plateau/schedulers/expression.h"
#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

class LambdaLR : public LRSchedule {
 public:
  explicit LambdaLR(const std::string& lr_lambda);
  std::string name() const override { return "LambdaLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  Expression f_;
};

class MultiplicativeLR : public LRSchedule {
 public:
  explicit MultiplicativeLR(const std::string& lr_lambda);
  std::string name() const override { return "MultiplicativeLR"; }
  double lr_at(int64_t t, double base) const override;

 private:
  Expression f_;
};

}  // namespace plateau
