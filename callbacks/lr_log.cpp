#include "plateau/callbacks/lr_log.h"

#include <cstdio>

namespace plateau::callbacks {

std::string LrLog::describe(const LrChange& c) {
  char numbers[96];
  std::snprintf(numbers, sizeof numbers, "lr %.6g → %.6g", c.old_lr, c.new_lr);
  return "Epoch " + std::to_string(c.epoch + 1) + ": " + c.source + ": " + (c.reason.empty() ? "" : c.reason + " → ") +
         numbers;
}

void LrLog::flush(TrainingState& s) {
  for (; printed_ < s.lr_changes.size(); ++printed_) s.print(describe(s.lr_changes[printed_]));
}

}  // namespace plateau::callbacks
