#pragma once
// Internal to core/ops: max pooling of one (H,W) plane into (P,Q), shared by max_pool2d.cpp and the fused
// batch_norm_max_pool2d.cpp. Each input value is read through a PoolValue first: the identity for plain
// pooling, batch norm's per-channel affine map for the fused op, so both choose exactly the same maxima.
// Row-major window order; a value is taken when it is greater than the best so far or NaN, so the first
// maximum wins and NaN propagates (PyTorch's rule, aten/src/ATen/native/cpu/MaxPoolKernel.cpp); padded
// positions are never chosen.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/ops/rows.h"

#if (defined(__AVX2__) && defined(__FMA__)) || defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace plateau::ops {

// v, or fma(v, scale, shift) for an affine map (batch norm's y = x·a + shift, rounded once).
struct PoolValue {
  bool affine = false;
  float scale = 1.0f, shift = 0.0f;
  float operator()(float v) const { return affine ? std::fma(v, scale, shift) : v; }
};

#if defined(__AVX2__) && defined(__FMA__)
namespace simd {

// Lanes [0, n) set, for masked loads and stores (a masked-off lane reads and writes nothing).
inline __m256i first_lanes(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::clamp<int64_t>(n, 0, 8))),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// The first n (≤ 8) pairs at p, split into their first and second elements: p[0], p[2], … and p[1], p[3], ….
inline void load_pairs(const float* p, int64_t n, const PoolValue& f, __m256& first, __m256& second) {
  const __m256 lo = _mm256_maskload_ps(p, first_lanes(2 * n));
  const __m256 hi = _mm256_maskload_ps(p + 8, first_lanes(2 * n - 8));
  // shuffle takes elements 0,2 (0x88) or 1,3 (0xDD) of each 128-bit half of lo and hi; the permute puts
  // the 64-bit chunks back in order (lo's low, lo's high, hi's low, hi's high)
  first = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
  second = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
  if (f.affine) {
    const __m256 a = _mm256_set1_ps(f.scale), b = _mm256_set1_ps(f.shift);
    first = _mm256_fmadd_ps(first, a, b);
    second = _mm256_fmadd_ps(second, a, b);
  }
}

// One output row of 2x2/2 pooling, 8 outputs at a time: best and its index into the plane.
inline void pool2x2_row(const float* top, const float* bottom, int64_t Q, int64_t W, int64_t row_base,
                        const PoolValue& f, float* out, int32_t* arg) {
  for (int64_t j = 0; j < Q; j += 8) {
    const int64_t n = std::min<int64_t>(8, Q - j);
    __m256 v0, v1, v2, v3;
    load_pairs(top + 2 * j, n, f, v0, v1);
    load_pairs(bottom + 2 * j, n, f, v2, v3);
    // index of v0 for each lane: row_base + 2·(j + lane)
    const __m256i at0 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(row_base + 2 * j)),
                                         _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
    __m256 best = v0;
    __m256i at = at0;
    const __m256 candidates[3] = {v1, v2, v3};
    const int offsets[3] = {1, static_cast<int>(W), static_cast<int>(W) + 1};
    for (int k = 0; k < 3; ++k) {
      const __m256 v = candidates[k];
      const __m256 take = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
      best = _mm256_blendv_ps(best, v, take);
      at = _mm256_blendv_epi8(at, _mm256_add_epi32(at0, _mm256_set1_epi32(offsets[k])), _mm256_castps_si256(take));
    }
    const __m256i mask = first_lanes(n);
    _mm256_maskstore_ps(out + j, mask, best);
    _mm256_maskstore_epi32(arg + j, mask, at);
  }
}

}  // namespace simd
#endif

#if defined(__AVX512F__)
namespace simd512 {

// One output row of 2x2/2 pooling, 16 outputs at a time, as simd::pool2x2_row below computes it: the
// first n ≤ 16 pairs of a row are split into their first and second elements with one permute each.
inline void pool2x2_row(const float* top, const float* bottom, int64_t Q, int64_t W, int64_t row_base,
                        const PoolValue& f, float* out, int32_t* arg) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  using rows::first_lanes;
  for (int64_t j = 0; j < Q; j += 16) {
    const int64_t n = std::min<int64_t>(16, Q - j);
    __m512 v[4];
    const float* pair[2] = {top + 2 * j, bottom + 2 * j};
    for (int r = 0; r < 2; ++r) {
      const __m512 lo = _mm512_maskz_loadu_ps(first_lanes(2 * n), pair[r]);
      const __m512 hi = _mm512_maskz_loadu_ps(first_lanes(2 * n - 16), pair[r] + 16);
      v[2 * r] = _mm512_permutex2var_ps(lo, even, hi);
      v[2 * r + 1] = _mm512_permutex2var_ps(lo, odd, hi);
      if (f.affine) {
        const __m512 a = _mm512_set1_ps(f.scale), b = _mm512_set1_ps(f.shift);
        v[2 * r] = _mm512_fmadd_ps(v[2 * r], a, b);
        v[2 * r + 1] = _mm512_fmadd_ps(v[2 * r + 1], a, b);
      }
    }
    // index of v[0] for each lane: row_base + 2·(j + lane), the even offsets
    const __m512i at0 = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(row_base + 2 * j)), even);
    __m512 best = v[0];
    __m512i at = at0;
    const int offsets[3] = {1, static_cast<int>(W), static_cast<int>(W) + 1};
    for (int k = 0; k < 3; ++k) {
      const __mmask16 take = _mm512_cmp_ps_mask(v[k + 1], best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v[k + 1], v[k + 1], _CMP_UNORD_Q);
      best = _mm512_mask_blend_ps(take, best, v[k + 1]);
      at = _mm512_mask_blend_epi32(take, at, _mm512_add_epi32(at0, _mm512_set1_epi32(offsets[k])));
    }
    _mm512_mask_storeu_ps(out + j, first_lanes(n), best);
    _mm512_mask_storeu_epi32(arg + j, first_lanes(n), at);
  }
}

}  // namespace simd512
#endif

inline void max_pool_plane(const float* in, int64_t H, int64_t W, const MaxPool2dParams& p, int64_t P, int64_t Q,
                           float* out, int32_t* arg, const PoolValue& value) {
  const bool unpadded = p.pad_top == 0 && p.pad_bottom == 0 && p.pad_left == 0 && p.pad_right == 0;
  if (unpadded && p.pool_h == 2 && p.pool_w == 2 && p.stride_h == 2 && p.stride_w == 2) {
    // The CNN's case, 2x2 windows with stride 2: two input rows give one output row.
    for (int64_t i = 0; i < P; ++i) {
      const float* top = in + 2 * i * W;
      const float* bottom = top + W;
#if defined(__AVX512F__)
      simd512::pool2x2_row(top, bottom, Q, W, 2 * i * W, value, out + i * Q, arg + i * Q);
#elif defined(__AVX2__) && defined(__FMA__)
      simd::pool2x2_row(top, bottom, Q, W, 2 * i * W, value, out + i * Q, arg + i * Q);
#else
      for (int64_t j = 0; j < Q; ++j) {
        const float v[4] = {value(top[2 * j]), value(top[2 * j + 1]), value(bottom[2 * j]), value(bottom[2 * j + 1])};
        const int64_t where[4] = {2 * i * W + 2 * j, 2 * i * W + 2 * j + 1, (2 * i + 1) * W + 2 * j,
                                  (2 * i + 1) * W + 2 * j + 1};
        int k_best = 0;
        for (int k = 1; k < 4; ++k)
          if ((v[k] > v[k_best]) | (v[k] != v[k])) k_best = k;
        out[i * Q + j] = v[k_best];
        arg[i * Q + j] = static_cast<int32_t>(where[k_best]);
      }
#endif
    }
    return;
  }
  for (int64_t i = 0; i < P; ++i)
    for (int64_t j = 0; j < Q; ++j) {
      const int64_t h0 = i * p.stride_h - p.pad_top, w0 = j * p.stride_w - p.pad_left;
      float best = -std::numeric_limits<float>::infinity();
      int64_t best_at = -1;
      for (int64_t a = 0; a < p.pool_h; ++a) {
        const int64_t h = h0 + a;
        if (h < 0 || h >= H) continue;
        for (int64_t b = 0; b < p.pool_w; ++b) {
          const int64_t w = w0 + b;
          if (w < 0 || w >= W) continue;
          const float v = value(in[h * W + w]);
          if (best_at < 0 || (v > best) | (v != v)) {
            best = v;
            best_at = h * W + w;
          }
        }
      }
      out[i * Q + j] = best;
      arg[i * Q + j] = static_cast<int32_t>(best_at);
    }
}

}  // namespace plateau::ops
