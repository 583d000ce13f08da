#include "plateau/callbacks/learning_rate_scheduler.h"

#include <cmath>

#include "plateau/core/error.h"

namespace plateau::callbacks {

LearningRateScheduler::LearningRateScheduler(const std::string& schedule) : schedule_(schedule, {"epoch", "lr"}) {}

void LearningRateScheduler::on_epoch_begin(TrainingState& s) {
  const double current = static_cast<float>(s.lr());
  const double lr = schedule_({{"epoch", static_cast<double>(s.epoch)}, {"lr", current}});
  PLATEAU_CHECK(std::isfinite(lr), "LearningRateScheduler: '", schedule_.text(), "' gave ", lr, " at epoch ", s.epoch,
                " (lr ", current, ")");
  s.set_lr(static_cast<float>(lr), name(), cat("'", schedule_.text(), "' at epoch ", s.epoch));
}

void LearningRateScheduler::on_epoch_end(TrainingState& s) { s.logs["learning_rate"] = static_cast<float>(s.lr()); }

}  // namespace plateau::callbacks
