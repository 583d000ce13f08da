#pragma once
// The golden schedule tables of tests/fixtures/make_schedule_fixtures.py.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace plateau::testing {

inline const nlohmann::json& golden_schedules() {
  static const nlohmann::json cases = [] {
    std::ifstream in(std::string(PLATEAU_FIXTURE_DIR) + "/schedules/golden.json");
    return nlohmann::json::parse(in);
  }();
  return cases;
}

inline std::vector<std::string> golden_schedule_names() {
  std::vector<std::string> names;
  for (const auto& c : golden_schedules()) names.push_back(c["case"]);
  return names;
}

inline const nlohmann::json& golden_schedule(const std::string& name) {
  for (const auto& c : golden_schedules())
    if (c["case"] == name) return c;
  throw std::runtime_error("no golden schedule case " + name);
}

// |actual - expected| <= tolerance·|expected| + atol (the case's floor for values near zero).
inline void expect_schedule_value(double actual, double expected, const nlohmann::json& golden_case,
                                  const std::string& what) {
  const double tolerance = golden_case["tolerance"], atol = golden_case["atol"];
  EXPECT_LE(std::abs(actual - expected), tolerance * std::abs(expected) + atol)
      << what << ": got " << actual << ", expected " << expected;
}

}  // namespace plateau::testing
