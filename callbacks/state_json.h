#pragma once
// JSON spellings for callback state: an optional double is {"value": v} or null; NaN and ±inf,
// which JSON lacks, are kept as strings.

#include <cmath>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace plateau {

inline nlohmann::json double_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

inline double double_from_json(const nlohmann::json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "nan") return std::nan("");
    return s == "inf" ? INFINITY : -INFINITY;
  }
  return j.get<double>();
}

inline nlohmann::json optional_to_json(const std::optional<double>& v) {
  return v ? nlohmann::json{{"value", double_to_json(*v)}} : nlohmann::json(nullptr);
}

inline std::optional<double> optional_from_json(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return double_from_json(j.at("value"));
}

}  // namespace plateau
