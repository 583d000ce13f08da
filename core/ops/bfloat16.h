#pragma once
// bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 stored mantissa bits), the compute type of
// the mixed_bfloat16 dtype policy (Keras' keras.mixed_precision, PyTorch's CPU autocast). A float is
// rounded to the nearest bfloat16, ties to even, as PyTorch's c10::BFloat16 rounds
// (c10/util/BFloat16.h, round_to_nearest_even); every NaN becomes its quiet NaN 0x7fc0. Rounded
// values are kept as floats (the low 16 bits zero) wherever plateau stores them, so a product of two
// of them is exact in float32 and only the accumulation rounds.

#include <cstdint>
#include <cstring>

namespace plateau::ops {

// What a layer computes its convolutions and matrix products in: Keras' compute dtype.
enum class ComputeType { Float32, BFloat16 };

// The bfloat16 bits nearest to v, ties to even.
inline uint16_t bfloat16_bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN: PyTorch's quiet NaN
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// v rounded to the nearest bfloat16, as a float.
inline float round_to_bfloat16(float v) {
  const uint32_t u = static_cast<uint32_t>(bfloat16_bits(v)) << 16;
  float r;
  std::memcpy(&r, &u, sizeof r);
  return r;
}

// p[0, n) rounded to bfloat16 in place.
inline void round_to_bfloat16(float* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) p[i] = round_to_bfloat16(p[i]);
}

}  // namespace plateau::ops
