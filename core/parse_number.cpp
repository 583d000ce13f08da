#include "core/parse_number.h"

#include <charconv>

#include "core/error.h"

namespace plateau {

std::optional<int64_t> try_parse_int64(std::string_view text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::optional<double> try_parse_double(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

int64_t parse_int64(std::string_view text, const std::string& what) {
  const auto v = try_parse_int64(text);
  PLATEAU_CHECK(v.has_value(), what, ": '", printable(text), "' is not an integer");
  return *v;
}

double parse_double(std::string_view text, const std::string& what) {
  const auto v = try_parse_double(text);
  PLATEAU_CHECK(v.has_value(), what, ": '", printable(text), "' is not a number");
  return *v;
}

}  // namespace plateau
