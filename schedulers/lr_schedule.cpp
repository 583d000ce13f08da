#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

std::string unit_name(ScheduleUnit unit) { return unit == ScheduleUnit::Epoch ? "epoch" : "batch"; }

}  // namespace plateau
