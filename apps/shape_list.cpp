#include <string>
#include <vector>

#include "apps/commands.h"
#include "plateau/core/error.h"
#include "plateau/core/parse_number.h"

namespace plateau::apps {

std::vector<int64_t> parse_shape_list(const std::string& text, const std::string& option) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto v = try_parse_int64(part);
    PLATEAU_CHECK(v && *v > 0 && dims.size() < 3, option, ": expected 1 to 3 positive integers separated by commas ",
                  "such as 28,28,1, got '", printable(text), "'");
    dims.push_back(*v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return dims;
}

}  // namespace plateau::apps
