#pragma once
// Internal to core/ops: copy and add of short rows (the 11-, 13- and 26-float image rows of the CNN), with
// AVX-512 masked loads and stores so that a row of n ≤ 16 floats is one instruction each way rather than a
// call to memmove or a scalar tail. Plain loops without AVX-512.

#include <algorithm>
#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "plateau/core/ops/bfloat16.h"

namespace plateau::ops::rows {

#if defined(__AVX512F__)
// The mask of lanes [0, n) of a 16-float vector: all 16 from n = 16 on, none for n ≤ 0.
inline __mmask16 first_lanes(int64_t n) {
  return static_cast<__mmask16>(n >= 16 ? 0xFFFF : n <= 0 ? 0 : (1u << n) - 1);
}
#endif

// out[0, n) = in[0, n)
inline void copy(const float* in, int64_t n, float* out) {
#if defined(__AVX512F__)
  int64_t j = 0;
  for (; j + 16 <= n; j += 16) _mm512_storeu_ps(out + j, _mm512_loadu_ps(in + j));
  if (j < n) {
    const __mmask16 m = first_lanes(n - j);
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
    const __mmask16 m = first_lanes(n - j);
    _mm512_mask_storeu_ps(out + j, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, out + j), _mm512_maskz_loadu_ps(m, in + j)));
  }
#else
  for (int64_t j = 0; j < n; ++j) out[j] += in[j];
#endif
}

// The rows below round to bfloat16 (with bf16) before they store: rounding a short row after its masked
// store would reload it, and a load of a masked store's bytes waits for the store to complete (conv2d_2's
// rows of 9 values spent most of their time there).

// out[j] = in[j] + add, or with relu max(in[j] + add, 0), for j in [0, n): a convolution's bias and ReLU
inline void add_bias(const float* in, int64_t n, float add, bool relu, bool bf16, float* out) {
#if defined(__AVX512F__)
  const __m512 b = _mm512_set1_ps(add), zero = _mm512_setzero_ps();
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 m = first_lanes(n - j);
    __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, in + j), b);
    if (relu) v = _mm512_max_ps(zero, v);  // v < 0 ? 0 : v, as std::max(v, 0)
    _mm512_mask_storeu_ps(out + j, m, bf16 ? round_to_bfloat16(v) : v);
  }
#else
  for (int64_t j = 0; j < n; ++j) {
    const float v = relu ? std::max(in[j] + add, 0.0f) : in[j] + add;
    out[j] = bf16 ? round_to_bfloat16(v) : v;
  }
#endif
}

// out[0, n) = in, or with y (a ReLU's output) in[j] where y[j] > 0 and 0 elsewhere: a gradient through the
// ReLU
inline void copy_gradient(const float* in, const float* y, int64_t n, bool bf16, float* out) {
#if defined(__AVX512F__)
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t j = 0; j < n; j += 16) {
    const __mmask16 m = first_lanes(n - j);
    const __mmask16 pass = y ? _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, y + j), zero, _CMP_GT_OQ) : m;
    const __m512 v = _mm512_maskz_loadu_ps(pass, in + j);
    _mm512_mask_storeu_ps(out + j, m, bf16 ? round_to_bfloat16(v) : v);
  }
#else
  for (int64_t j = 0; j < n; ++j) {
    const float v = !y || y[j] > 0.0f ? in[j] : 0.0f;
    out[j] = bf16 ? round_to_bfloat16(v) : v;
  }
#endif
}

#if defined(__AVX512F__)
// For a stride-1 convolution without padding on images at most 16 wide (conv2 and conv3 of the CNN).

// out[i·width + j] = in[i·stride + j] for i < n_rows, j < width ≤ 16: im2col's block for one (c, r, s). A row
// is stored whole (16 floats) when those stay inside the block: the later rows' stores overwrite the extra
// lanes. The rows near the end are stored masked.
inline void gather_block(const float* in, int64_t stride, int64_t n_rows, int64_t width, float* out) {
  const __mmask16 m = first_lanes(width);
  int64_t i = 0;
  for (; i * width + 16 <= n_rows * width; ++i) _mm512_storeu_ps(out + i * width, _mm512_maskz_loadu_ps(m, in + i * stride));
  for (; i < n_rows; ++i) _mm512_mask_storeu_ps(out + i * width, m, _mm512_maskz_loadu_ps(m, in + i * stride));
}

// The lanes of col2im's shifted rows below: lanes[s] = [s, s + Q) ∩ [0, W), for s < S ≤ 16. They depend on
// the shape alone: made once per call, not once per row.
inline void shifted_lanes(int64_t S, int64_t Q, int64_t W, __mmask16* lanes) {
  for (int64_t s = 0; s < S; ++s) lanes[s] = static_cast<__mmask16>(((1u << Q) - 1) << s) & first_lanes(W);
}

// col2im for one (c, r) and all S kernel columns of a row: acc[j] (j < W ≤ 16) + Σ_s in_s[j − s] for
// 0 ≤ j − s < Q, where in_s = in + s·in_row_stride, added s by s; lanes from shifted_lanes. Kept in a
// register: adding each s into memory stored overlapping windows of the output and waited on every store.
inline __m512 add_shifted_rows(__m512 acc, const float* in, int64_t in_row_stride, int64_t S, const __mmask16* lanes) {
  for (int64_t s = 0; s < S; ++s) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(lanes[s], in + s * in_row_stride - s));
  return acc;
}
#endif

}  // namespace plateau::ops::rows
