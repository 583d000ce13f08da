#include "plateau/core/spec_args.h"

#include <algorithm>
#include <limits>

#include "plateau/core/error.h"
#include "plateau/core/json_field.h"

namespace plateau {

using nlohmann::json;

namespace {

bool fits_int64(const json& v) {
  return v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{INT64_MAX});
}

bool fits_int(const json& v) {
  return fits_int64(v) && v.get<int64_t>() >= std::numeric_limits<int>::min() &&
         v.get<int64_t>() <= std::numeric_limits<int>::max();
}

}  // namespace

SpecArgs::SpecArgs(const json& spec, std::string what, std::vector<std::string> always)
    : spec_(spec), what_(std::move(what)), always_(std::move(always)) {
  PLATEAU_CHECK(spec.is_object(), what_, ": expected a JSON object, got ", json_for_message(spec));
}

const json* SpecArgs::lookup(const std::string& key) const {
  if (std::find(known_.begin(), known_.end(), key) == known_.end() &&
      std::find(always_.begin(), always_.end(), key) == always_.end())
    known_.push_back(key);
  const auto it = spec_.find(key);
  return it == spec_.end() || it->is_null() ? nullptr : &*it;
}

void SpecArgs::done() const {
  std::vector<std::string> valid = known_;  // in the order the maker reads them, then the common ones
  valid.insert(valid.end(), always_.begin(), always_.end());
  for (const auto& [key, value] : spec_.items())
    PLATEAU_CHECK(std::find(valid.begin(), valid.end(), key) != valid.end(), what_, ": unknown argument '",
                  printable(key), "' (valid: ", join(valid), ")");
  PLATEAU_CHECK(missing_.empty(), what_, ": missing required argument '", missing_.empty() ? "" : missing_.front(), "'");
}

bool SpecArgs::has(const std::string& key) const { return lookup(key) != nullptr; }

void SpecArgs::require(const std::string& key) const {
  if (!has(key) && std::find(missing_.begin(), missing_.end(), key) == missing_.end()) missing_.push_back(key);
}

int SpecArgs::integer(const std::string& key, int fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(fits_int64(*v), what_, ": ", key, " must be an integer, got ", json_for_message(*v));
  PLATEAU_CHECK(fits_int(*v), what_, ": ", key, " must be an integer of at most 9 digits, got ", json_for_message(*v));
  return v->get<int>();
}

int64_t SpecArgs::integer64(const std::string& key, int64_t fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(fits_int64(*v), what_, ": ", key, " must be an integer, got ", json_for_message(*v));
  return v->get<int64_t>();
}

double SpecArgs::number(const std::string& key, double fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(v->is_number(), what_, ": ", key, " must be a number, got ", json_for_message(*v));
  return v->get<double>();
}

std::optional<double> SpecArgs::optional_number(const std::string& key, std::optional<double> fallback) const {
  if (!has(key)) return fallback;
  return number(key, 0.0);
}

bool SpecArgs::boolean(const std::string& key, bool fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(v->is_boolean(), what_, ": ", key, " must be true or false, got ", json_for_message(*v));
  return v->get<bool>();
}

std::string SpecArgs::text(const std::string& key, const std::string& fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(v->is_string(), what_, ": ", key, " must be a string, got ", json_for_message(*v));
  return v->get<std::string>();
}

std::array<int, 2> SpecArgs::pair(const std::string& key, std::array<int, 2> fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  if (fits_int(*v)) return {v->get<int>(), v->get<int>()};
  PLATEAU_CHECK(v->is_array() && v->size() == 2 && fits_int((*v)[0]) && fits_int((*v)[1]), what_, ": ", key,
                " must be an integer or a list of two integers, got ", json_for_message(*v));
  return {(*v)[0].get<int>(), (*v)[1].get<int>()};
}

std::vector<double> SpecArgs::numbers(const std::string& key, std::vector<double> fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(v->is_array() && std::all_of(v->begin(), v->end(), [](const json& x) { return x.is_number(); }), what_,
                ": ", key, " must be a list of numbers, got ", json_for_message(*v));
  return v->get<std::vector<double>>();
}

std::vector<int64_t> SpecArgs::integers(const std::string& key, std::vector<int64_t> fallback) const {
  const json* v = lookup(key);
  if (!v) return fallback;
  PLATEAU_CHECK(v->is_array() && std::all_of(v->begin(), v->end(), fits_int64), what_, ": ", key,
                " must be a list of integers, got ", json_for_message(*v));
  return v->get<std::vector<int64_t>>();
}

const json& SpecArgs::raw(const std::string& key) const {
  const json* v = lookup(key);
  PLATEAU_CHECK(v != nullptr, what_, ": missing required argument '", key, "'");
  return *v;
}

}  // namespace plateau
