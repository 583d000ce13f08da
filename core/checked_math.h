#pragma once
// Overflow-safe arithmetic for sizes, counts and offsets that come from outside (file headers,
// checkpoints, specs): the result, or an Error naming what was being computed and both operands.
// Nothing is allocated from such a number before it has passed through here.

#include <cstdint>
#include <string_view>

#include "plateau/core/error.h"

namespace plateau {

template <typename T>
T checked_mul(T a, T b, std::string_view what) {
  T out{};
  PLATEAU_CHECK(!__builtin_mul_overflow(a, b, &out), what, ": ", a, " x ", b, " overflows");
  return out;
}

template <typename T>
T checked_add(T a, T b, std::string_view what) {
  T out{};
  PLATEAU_CHECK(!__builtin_add_overflow(a, b, &out), what, ": ", a, " + ", b, " overflows");
  return out;
}

}  // namespace plateau
