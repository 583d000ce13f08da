#include "plateau/layers/padding.h"

#include <algorithm>

#include "plateau/core/error.h"

namespace plateau {

AxisPadding keras_padding(int64_t in, int kernel, int stride, const std::string& padding) {
  if (padding == "valid") return {};
  check_padding_name(padding, "padding");
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - in, 0);
  return {static_cast<int>(total / 2), static_cast<int>(total - total / 2)};
}

void check_padding_name(const std::string& padding, const std::string& where) {
  PLATEAU_CHECK(padding == "valid" || padding == "same", where, ": padding must be \"valid\" or \"same\", got \"",
                padding, "\"");
}

}  // namespace plateau
