#pragma once
// bfloat16: the upper 16 bits of a float32 (8 exponent bits, 7 stored mantissa bits), the compute type of
// the mixed_bfloat16 dtype policy (Keras' keras.mixed_precision, PyTorch's CPU autocast). A float is
// rounded to the nearest bfloat16, ties to even, as PyTorch's c10::BFloat16 rounds
// (c10/util/BFloat16.h, round_to_nearest_even); every NaN becomes its quiet NaN 0x7fc0. Rounded
// values are kept as floats (the low 16 bits zero) wherever plateau stores them, so a product of two
// of them is exact in float32 and only the accumulation rounds.

#include <cstdint>
#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

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

#if defined(__AVX512F__)
// 16 floats -> their bfloat16 bits (bfloat16_bits, vectorized) in the upper half of each 32-bit lane.
inline __m512i bfloat16_upper(__m512 v) {
  const __m512i u = _mm512_castps_si512(v);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(_mm512_add_epi32(u, _mm512_set1_epi32(0x7fff)), lsb);
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(_mm512_and_si512(u, _mm512_set1_epi32(0x7fffffff)),
                                                _mm512_set1_epi32(0x7f800000));
  return _mm512_mask_mov_epi32(rounded, nan, _mm512_set1_epi32(0x7fc00000));
}

// 16 floats rounded to bfloat16 (round_to_bfloat16, vectorized).
inline __m512 round_to_bfloat16(__m512 v) {
  return _mm512_castsi512_ps(
      _mm512_and_si512(bfloat16_upper(v), _mm512_set1_epi32(static_cast<int>(0xffff0000u))));
}
#endif

// p[0, n) rounded to bfloat16 in place. With AVX-512 the tail is one masked vector too: the rows rounded
// here are often short (conv2d_2's planes of 9 values: all tail).
inline void round_to_bfloat16(float* p, int64_t n) {
  int64_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(p + i, round_to_bfloat16(_mm512_loadu_ps(p + i)));
  if (i < n) {
    const __mmask16 tail = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(p + i, tail, round_to_bfloat16(_mm512_maskz_loadu_ps(tail, p + i)));
  }
#else
  for (; i < n; ++i) p[i] = round_to_bfloat16(p[i]);
#endif
}

}  // namespace plateau::ops
