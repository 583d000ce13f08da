#pragma once
// JSON spellings for callback state: an optional double is {"value": v} or null; NaN and ±inf,
// which JSON lacks, are kept as strings.

#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "plateau/core/json_field.h"

namespace plateau {

inline nlohmann::json double_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}


inline nlohmann::json optional_to_json(const std::optional<double>& v) {
  return v ? nlohmann::json{{"value", double_to_json(*v)}} : nlohmann::json(nullptr);
}

// Read back with JsonField::number_or_nonfinite.
inline std::optional<double> optional_from_json(const JsonField& j) {
  if (j.is_null()) return std::nullopt;
  return j.at("value").number_or_nonfinite();
}

}  // namespace plateau
