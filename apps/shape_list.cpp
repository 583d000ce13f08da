#include <string>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"

namespace plateau::apps {

std::vector<int64_t> parse_shape_list(const std::string& text, const std::string& option) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    PLATEAU_CHECK(used == part.size() && !part.empty() && v > 0, option, ": expected positive integers separated by ",
                  "commas such as 28,28,1, got '", text, "'");
    dims.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return dims;
}

}  // namespace plateau::apps
