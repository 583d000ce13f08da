#include "plateau/core/parse_number.h"

#include <charconv>

#include "plateau/core/error.h"

namespace plateau {
namespace {

// The number that is the whole text, or nullopt (empty, trailing bytes, out of range).
template <typename T>
std::optional<T> whole(std::string_view text) {
  T v{};
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int64_t> try_parse_int64(std::string_view text) { return whole<int64_t>(text); }
std::optional<double> try_parse_double(std::string_view text) { return whole<double>(text); }

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
