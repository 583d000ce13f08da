#include "plateau/schedulers/lambda_lr.h"

namespace plateau {

LambdaLR::LambdaLR(const std::string& lr_lambda) : LRSchedule(ScheduleUnit::Epoch), f_(lr_lambda, {"epoch"}) {}

double LambdaLR::lr_at(int64_t t, double base) const { return base * f_({{"epoch", static_cast<double>(t)}}); }

MultiplicativeLR::MultiplicativeLR(const std::string& lr_lambda)
    : LRSchedule(ScheduleUnit::Epoch), f_(lr_lambda, {"epoch"}) {}

double MultiplicativeLR::lr_at(int64_t t, double base) const {
  double lr = base;
  for (int64_t k = 1; k <= t; ++k) lr *= f_({{"epoch", static_cast<double>(k)}});
  return lr;
}

}  // namespace plateau
