#include "plateau/callbacks/monitor.h"

#include <cmath>
#include <cstdio>

#include "plateau/core/error.h"

namespace plateau {

Monitor::Monitor(std::string key, std::string mode, double min_delta, const std::string& owner)
    : key_(std::move(key)), mode_(std::move(mode)), min_delta_(std::abs(min_delta)) {
  PLATEAU_CHECK(mode_ == "auto" || mode_ == "min" || mode_ == "max", owner, ": mode must be auto, min or max, got '",
                mode_, "'");
  if (mode_ == "auto") {
    const std::string base = key_.rfind("val_", 0) == 0 ? key_.substr(4) : key_;
    if (base == "loss") {
      mode_ = "min";
    } else if (base == "accuracy" || base == "acc" || base == "sparse_categorical_accuracy" ||
               base == "categorical_accuracy") {
      mode_ = "max";
    } else {
      throw Error(cat(owner, ": cannot infer whether '", key_, "' should be minimized or maximized; set mode to ",
                      "\"min\" or \"max\""));
    }
  }
}

bool Monitor::is_improvement(double value, std::optional<double> reference) const {
  if (!reference) return true;
  if (mode_ == "min") return static_cast<float>(value + min_delta_) < static_cast<float>(*reference);
  return static_cast<float>(value - min_delta_) > static_cast<float>(*reference);
}

std::string Monitor::describe_failure(double best) const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s best %.6g %s %g", mode_ == "min" ? "not below" : "not above", best,
                mode_ == "min" ? "−" : "+", min_delta_);
  return buf;
}

}  // namespace plateau
