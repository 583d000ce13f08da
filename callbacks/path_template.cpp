#include "plateau/callbacks/path_template.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "plateau/core/error.h"

namespace plateau {
namespace {

struct Placeholder {
  size_t begin, end;  // [begin, end) in the template, braces included
  std::string key, spec;
};

std::vector<Placeholder> parse(const std::string& t) {
  std::vector<Placeholder> out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 1 < t.size() && t[i + 1] == '{') {
      ++i;
      continue;
    }
    if (t[i] != '{') continue;
    const size_t close = t.find('}', i);
    PLATEAU_CHECK(close != std::string::npos, "path template '", printable(t), "': unmatched '{' at position ", i);
    const std::string inside = t.substr(i + 1, close - i - 1);
    const size_t colon = inside.find(':');
    out.push_back({i, close + 1, inside.substr(0, colon), colon == std::string::npos ? "" : inside.substr(colon + 1)});
    i = close;
  }
  return out;
}

std::string format_value(const std::string& templ, const Placeholder& p, double v, bool integer) {
  const std::string& s = p.spec;
  size_t i = 0;
  bool zero = false;
  if (i < s.size() && s[i] == '0') zero = true, ++i;
  // Width and precision of at most two digits each: the result must fit a file name (and buf).
  auto digits = [&] {
    int n = 0, count = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && count++ < 2) n = n * 10 + (s[i++] - '0');
    return n;
  };
  int width = digits(), precision = -1;
  if (i < s.size() && s[i] == '.') {
    ++i;
    precision = digits();
  }
  const char type = i < s.size() ? s[i++] : '\0';
  PLATEAU_CHECK(i == s.size() && (type == '\0' || type == 'd' || type == 'f' || type == 'e' || type == 'g' ||
                                  type == '%'),
                "path template '", printable(templ), "': unsupported format spec '", printable(s), "' for '",
                printable(p.key), "' (at most two digits of width and precision)");
  char buf[128];
  if (type == 'd' || (type == '\0' && integer)) {
    PLATEAU_CHECK(integer, "path template '", printable(templ), "': format code 'd' needs an integer, '",
                  printable(p.key), "' is a float");
    PLATEAU_CHECK(std::abs(v) < 1e18, "path template '", printable(templ), "': ", printable(p.key), " = ", v,
                  " is too large for format code 'd'");
    std::snprintf(buf, sizeof buf, zero ? "%0*lld" : "%*lld", width, static_cast<long long>(v));
    return buf;
  }
  if (type == '\0') {  // Python's str(float): the shortest repr that round-trips
    char r[64];
    auto res = std::to_chars(r, r + sizeof r, v);
    std::string text(r, res.ptr);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    if (static_cast<int>(text.size()) < width) text.insert(0, width - text.size(), zero ? '0' : ' ');
    return text;
  }
  const double x = type == '%' ? v * 100.0 : v;
  const char conv = type == '%' ? 'f' : type;
  const std::string fmt = std::string("%") + (zero ? "0" : "") + "*.*" + conv;
  std::snprintf(buf, sizeof buf, fmt.c_str(), width, precision < 0 ? 6 : precision, x);
  return std::string(buf) + (type == '%' ? "%" : "");
}

}  // namespace

std::vector<std::string> template_keys(const std::string& templ) {
  std::vector<std::string> keys;
  for (const auto& p : parse(templ)) keys.push_back(p.key);
  return keys;
}

std::string format_path_template(const std::string& templ, const std::map<std::string, double>& values,
                                 const std::set<std::string>& integers) {
  std::string out;
  size_t at = 0;
  for (const Placeholder& p : parse(templ)) {
    out += templ.substr(at, p.begin - at);
    auto it = values.find(p.key);
    if (it == values.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : values) names.push_back(k);
      throw Error(cat("path template '", printable(templ), "' names '", printable(p.key),
                      "', which the logs do not have (available: ", join(names), ")"));
    }
    out += format_value(templ, p, it->second, integers.count(p.key) > 0);
    at = p.end;
  }
  out += templ.substr(at);
  // "{{" and "}}" stand for literal braces
  std::string unescaped;
  for (size_t i = 0; i < out.size(); ++i) {
    unescaped += out[i];
    if ((out[i] == '{' || out[i] == '}') && i + 1 < out.size() && out[i + 1] == out[i]) ++i;
  }
  return unescaped;
}

}  // namespace plateau
