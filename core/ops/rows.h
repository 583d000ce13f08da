#pragma once
// Internal to core/ops: copy and add of short rows (the 11-, 13- and 26-float image rows of the CNN), with
// AVX-512 masked loads and stores so that a row of n ≤ 16 floats is one instruction each way rather than a
// call to memmove or a scalar tail. Plain loops without AVX-512.

#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace plateau::ops::rows {

// out[0, n) = in[0, n)
inline void copy(const float* in, int64_t n, float* out) {
#if defined(__AVX512F__)
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) _mm512_storeu_ps(out + j, _mm512_loadu_ps(in + j));
  if (j < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - j)) - 1);
    _mm512_mask_storeu_ps(out + j, m, _mm512_maskz_loadu_ps(m, in + j));
  }
#else
  for (int64_t j = 0; j < n; ++j) out[j] = in[j];
#endif
}

// out[0, n) += in[0, n)
inline void add(const float* in, int64_t n, float* out) {
#if defined(__AVX512F__)
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) _mm512_storeu_ps(out + j, _mm512_add_ps(_mm512_loadu_ps(out + j), _mm512_loadu_ps(in + j)));
  if (j < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - j)) - 1);
    _mm512_mask_storeu_ps(out + j, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, out + j), _mm512_maskz_loadu_ps(m, in + j)));
  }
#else
  for (int64_t j = 0; j < n; ++j) out[j] += in[j];
#endif
}

// out[j] = y[j] > 0 ? in[j] : 0 for j in [0, n): a gradient through a ReLU with output y
inline void copy_where_positive(const float* in, const float* y, int64_t n, float* out) {
#if defined(__AVX512F__)
  int64_t j = 0;
  const __m512 zero = _mm512_setzero_ps();
  for (; j + 16 <= n; j += 16) {
    const __mmask16 pos = _mm512_cmp_ps_mask(_mm512_loadu_ps(y + j), zero, _CMP_GT_OQ);
    _mm512_storeu_ps(out + j, _mm512_maskz_loadu_ps(pos, in + j));
  }
  if (j < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - j)) - 1);
    const __mmask16 pos = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, y + j), zero, _CMP_GT_OQ);
    _mm512_mask_storeu_ps(out + j, m, _mm512_maskz_loadu_ps(pos, in + j));
  }
#else
  for (int64_t j = 0; j < n; ++j) out[j] = y[j] > 0.0f ? in[j] : 0.0f;
#endif
}

}  // namespace plateau::ops::rows
