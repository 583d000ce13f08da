#include "plateau/callbacks/reduce_lr_on_plateau.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "plateau/callbacks/state_json.h"
#include "plateau/core/error.h"

namespace plateau::callbacks {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions o)
    : options_(std::move(o)), monitor_(options_.monitor, options_.mode, options_.min_delta, "ReduceLROnPlateau") {
  PLATEAU_CHECK(options_.factor < 1.0, "ReduceLROnPlateau does not support a factor >= 1.0, got ", options_.factor);
  PLATEAU_CHECK(options_.factor >= 0.0, "ReduceLROnPlateau: factor must be non-negative, got ", options_.factor);
  PLATEAU_CHECK(options_.patience >= 0, "ReduceLROnPlateau: patience must be non-negative, got ", options_.patience);
  PLATEAU_CHECK(options_.cooldown >= 0, "ReduceLROnPlateau: cooldown must be non-negative, got ", options_.cooldown);
}

void ReduceLROnPlateau::on_train_begin(TrainingState& s) {
  best_.reset();
  wait_ = 0;
  cooldown_counter_ = 0;
  PLATEAU_CHECK(s.has_key(options_.monitor), "ReduceLROnPlateau: monitor '", options_.monitor,
                "' is not in any epoch's logs (available: ", s.known_keys(), ")");
}

void ReduceLROnPlateau::on_epoch_end(TrainingState& s) {
  s.logs["learning_rate"] = static_cast<float>(s.lr());  // written before any reduction, as Keras
  auto it = s.logs.find(options_.monitor);
  if (it == s.logs.end()) {
    s.print(cat("Epoch ", s.epoch + 1, ": ReduceLROnPlateau: '", options_.monitor,
                "' is not in this epoch's logs; nothing changes"));
    return;
  }
  const double v = it->second;
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    wait_ = 0;
  }
  if (monitor_.is_improvement(v, best_)) {
    best_ = v;
    wait_ = 0;
  } else if (cooldown_counter_ <= 0) {  // re-tested after the decrement
    ++wait_;
    if (wait_ >= options_.patience) {
      const double old_lr = static_cast<float>(s.lr());  // the float32 lr variable
      if (old_lr > static_cast<double>(static_cast<float>(options_.min_lr))) {
        const double new_lr = static_cast<float>(std::max(old_lr * options_.factor, options_.min_lr));
        s.set_lr(new_lr, name(),
                 cat(options_.monitor, " ", v, " ", monitor_.describe_failure(*best_), " for ", wait_, " epochs"));
        cooldown_counter_ = options_.cooldown;
        wait_ = 0;
      }
    }
  }
}

nlohmann::json ReduceLROnPlateau::state_dict() const {
  return {{"best", optional_to_json(best_)}, {"wait", wait_}, {"cooldown_counter", cooldown_counter_}};
}

void ReduceLROnPlateau::load_state_dict(const JsonField& j) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::optional<double> best = optional_from_json(j.at("best"));
  const int64_t wait = j.at("wait").integer(0, kMax), cooldown = j.at("cooldown_counter").integer(0, kMax);
  best_ = best;
  wait_ = wait;
  cooldown_counter_ = cooldown;
}

}  // namespace plateau::callbacks
