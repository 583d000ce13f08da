#include "plateau/schedulers/reduce_lr_on_plateau.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "plateau/core/error.h"

namespace plateau {

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions o)
    : optimizer_(optimizer), options_(std::move(o)) {
  PLATEAU_CHECK(options_.mode == "min" || options_.mode == "max", "ReduceLROnPlateau: mode must be \"min\" or ",
                "\"max\", got \"", options_.mode, "\"");
  PLATEAU_CHECK(options_.threshold_mode == "rel" || options_.threshold_mode == "abs",
                "ReduceLROnPlateau: threshold_mode must be \"rel\" or \"abs\", got \"", options_.threshold_mode, "\"");
  PLATEAU_CHECK(options_.factor < 1.0, "ReduceLROnPlateau: factor should be < 1.0, got ", options_.factor);
  PLATEAU_CHECK(options_.factor >= 0.0, "ReduceLROnPlateau: factor must be non-negative, got ", options_.factor);
  PLATEAU_CHECK(options_.patience >= 0, "ReduceLROnPlateau: patience must be non-negative, got ", options_.patience);
  PLATEAU_CHECK(options_.cooldown >= 0, "ReduceLROnPlateau: cooldown must be non-negative, got ", options_.cooldown);
  best_ = options_.mode == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

bool ReduceLROnPlateau::is_better(double v) const {
  const double t = options_.threshold;
  if (options_.mode == "min")
    return options_.threshold_mode == "rel" ? v < best_ * (1.0 - t) : v < best_ - t;
  return options_.threshold_mode == "rel" ? v > best_ * (t + 1.0) : v > best_ + t;
}

bool ReduceLROnPlateau::step(double metric) {
  const std::optional<std::vector<double>> lrs = next_lrs(metric);
  if (!lrs) return false;
  for (size_t g = 0; g < lrs->size(); ++g) optimizer_.param_groups()[g].lr = (*lrs)[g];
  return true;
}

std::optional<std::vector<double>> ReduceLROnPlateau::next_lrs(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // ignore any bad epochs in cooldown
  }
  if (num_bad_epochs_ <= options_.patience) return std::nullopt;
  std::vector<double> lrs;
  bool reduced = false;
  for (const ParamGroup& g : optimizer_.param_groups()) {
    const double new_lr = std::max(g.lr * options_.factor, options_.min_lr);
    reduced = reduced || g.lr - new_lr > options_.eps;
    lrs.push_back(g.lr - new_lr > options_.eps ? new_lr : g.lr);
  }
  cooldown_counter_ = options_.cooldown;
  num_bad_epochs_ = 0;
  if (!reduced) return std::nullopt;
  return lrs;
}

nlohmann::json ReduceLROnPlateau::state_dict() const {
  return {{"best", best_}, {"num_bad_epochs", num_bad_epochs_}, {"cooldown_counter", cooldown_counter_},
          {"last_epoch", last_epoch_}};
}

void ReduceLROnPlateau::load_state_dict(const JsonField& s) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  // JSON has no infinity: a best of ±inf is stored as null.
  const double best = s.at("best").is_null() ? best_ : s.at("best").number();
  const int64_t bad = s.at("num_bad_epochs").integer(0, kMax), cooldown = s.at("cooldown_counter").integer(0, kMax),
                last = s.at("last_epoch").integer(-1, kMax);
  best_ = best;
  num_bad_epochs_ = bad;
  cooldown_counter_ = cooldown;
  last_epoch_ = last;
}

}  // namespace plateau
