#pragma once
// Comparing results of the bfloat16 kernels. Each is a float32 sum of exact products of bfloat16 values,
// rounded once to bfloat16; two such sums in different orders (AMX's, the float32 GEMM's, PyTorch's)
// differ by a few float32 roundings and may round to neighbouring bfloat16 values: one bfloat16 step,
// at most 2^-7 of the value, apart.

#include <algorithm>
#include <cmath>

namespace plateau::testing {

inline bool within_one_bfloat16_step(float a, float b) {
  return std::abs(a - b) <= std::ldexp(std::max(std::abs(a), std::abs(b)), -7);
}

}  // namespace plateau::testing
