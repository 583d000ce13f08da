#include "core/spec_args.h"

#include <limits>

#include "core/error.h"
#include "core/json_field.h"

namespace plateau {

using nlohmann::json;

SpecArgs::SpecArgs(const json& spec, std::string what, std::vector<std::string> valid, std::vector<std::string> always)
    : spec_(spec), what_(std::move(what)) {
  PLATEAU_CHECK(spec.is_object(), what_, ": expected a JSON object, got ", json_for_message(spec));
  valid.insert(valid.end(), always.begin(), always.end());
  for (const auto& [key, value] : spec.items()) {
    bool known = false;
    for (const auto& v : valid) known = known || v == key;
    PLATEAU_CHECK(known, what_, ": unknown argument '", key, "' (valid: ", join(valid), ")");
  }
}

bool SpecArgs::has(const std::string& key) const { return spec_.contains(key) && !spec_[key].is_null(); }

void SpecArgs::require(const std::string& key) const {
  PLATEAU_CHECK(has(key), what_, ": missing required argument '", key, "'");
}

int SpecArgs::integer(const std::string& key, int fallback) const {
  const int64_t v = integer64(key, fallback);
  PLATEAU_CHECK(v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max(), what_, ": ", key,
                " must be an integer of at most 9 digits, got ", v);
  return static_cast<int>(v);
}

int64_t SpecArgs::integer64(const std::string& key, int64_t fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{INT64_MAX}), what_,
                ": ", key, " must be an integer, got ", json_for_message(v));
  return v.get<int64_t>();
}

double SpecArgs::number(const std::string& key, double fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_number(), what_, ": ", key, " must be a number, got ", json_for_message(v));
  return v.get<double>();
}

bool SpecArgs::boolean(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_boolean(), what_, ": ", key, " must be true or false, got ", json_for_message(v));
  return v.get<bool>();
}

std::string SpecArgs::text(const std::string& key, const std::string& fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_string(), what_, ": ", key, " must be a string, got ", json_for_message(v));
  return v.get<std::string>();
}

std::array<int, 2> SpecArgs::pair(const std::string& key, std::array<int, 2> fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  auto small = [](const json& x) {  // an integer that an int holds
    return x.is_number_integer() && x.get<int64_t>() >= std::numeric_limits<int>::min() &&
           x.get<int64_t>() <= std::numeric_limits<int>::max() &&
           !(x.is_number_unsigned() && x.get<uint64_t>() > uint64_t{INT64_MAX});
  };
  if (small(v)) return {v.get<int>(), v.get<int>()};
  PLATEAU_CHECK(v.is_array() && v.size() == 2 && small(v[0]) && small(v[1]), what_, ": ", key,
                " must be an integer or a list of two integers, got ", json_for_message(v));
  return {v[0].get<int>(), v[1].get<int>()};
}

std::vector<double> SpecArgs::numbers(const std::string& key, std::vector<double> fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_array(), what_, ": ", key, " must be a list of numbers, got ", json_for_message(v));
  std::vector<double> out;
  for (const json& x : v) {
    PLATEAU_CHECK(x.is_number(), what_, ": ", key, " must be a list of numbers, got ", json_for_message(v));
    out.push_back(x.get<double>());
  }
  return out;
}

std::vector<int64_t> SpecArgs::integers(const std::string& key, std::vector<int64_t> fallback) const {
  if (!has(key)) return fallback;
  const json& v = spec_[key];
  PLATEAU_CHECK(v.is_array(), what_, ": ", key, " must be a list of integers, got ", json_for_message(v));
  std::vector<int64_t> out;
  for (const json& x : v) {
    PLATEAU_CHECK(x.is_number_integer(), what_, ": ", key, " must be a list of integers, got ", json_for_message(v));
    out.push_back(x.get<int64_t>());
  }
  return out;
}

const json& SpecArgs::raw(const std::string& key) const {
  require(key);
  return spec_[key];
}

}  // namespace plateau
