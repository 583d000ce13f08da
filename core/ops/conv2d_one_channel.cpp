#include "plateau/core/ops/conv2d_one_channel.h"

#include <algorithm>

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/parallel.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace plateau::ops::direct {
#if defined(__AVX512F__)

bool one_channel_direct(int64_t C, int64_t R, int64_t S, int stride_h, int stride_w, bool padded) {
  return C == 1 && ((R == 3 && S == 3) || (R == 5 && S == 5)) && stride_h == 1 && stride_w == 1 && !padded;
}

namespace {

// Lanes [0, n) of a 16-float chunk, n ≤ 16.
__mmask16 first_lanes(int64_t n) { return static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1); }

constexpr int64_t kFilters = 8;  // filters computed together: 8 independent FMA chains hide the FMA latency

// R and S are template arguments so that the per-tap arrays below live in registers.
template <int R, int S>
void forward_rs(const float* x, const float* w, const float* b, bool relu, bool bf16, int64_t N, int64_t H, int64_t W,
                int64_t K, float* y) {
  constexpr int taps = R * S;
  const int64_t P = H - R + 1, Q = W - S + 1;
  for_each_slice(N, 8, [&](int64_t, int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n) {
      const float* xn = x + n * H * W;
      float* yn = y + n * K * P * Q;
      // the sum, then the bias, as the GEMM path; then the ReLU (and, for bfloat16, the rounding)
      auto store = [&](__m512 v, int64_t k, int64_t i, int64_t j0, __mmask16 m) {
        if (b) v = _mm512_add_ps(v, _mm512_set1_ps(b[k]));
        if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
        if (bf16) v = round_to_bfloat16(v);
        _mm512_mask_storeu_ps(yn + (k * P + i) * Q + j0, m, v);
      };
      for (int64_t i = 0; i < P; ++i)
        for (int64_t j0 = 0; j0 < Q; j0 += 16) {
          const __mmask16 m = first_lanes(Q - j0);
          __m512 in[taps];
#pragma GCC unroll 5
          for (int r = 0; r < R; ++r)
#pragma GCC unroll 5
            for (int s = 0; s < S; ++s) in[r * S + s] = _mm512_maskz_loadu_ps(m, xn + (i + r) * W + j0 + s);
          int64_t k0 = 0;
          for (; k0 + kFilters <= K; k0 += kFilters) {
            __m512 acc[kFilters];
#pragma GCC unroll 8
            for (int f = 0; f < kFilters; ++f) acc[f] = _mm512_setzero_ps();
#pragma GCC unroll 25
            for (int t = 0; t < taps; ++t)
#pragma GCC unroll 8
              for (int f = 0; f < kFilters; ++f)
                acc[f] = _mm512_fmadd_ps(_mm512_set1_ps(w[(k0 + f) * taps + t]), in[t], acc[f]);
#pragma GCC unroll 8
            for (int f = 0; f < kFilters; ++f) store(acc[f], k0 + f, i, j0, m);
          }
          for (; k0 < K; ++k0) {  // the filters left over, one at a time
            __m512 acc = _mm512_setzero_ps();
#pragma GCC unroll 25
            for (int t = 0; t < taps; ++t) acc = _mm512_fmadd_ps(_mm512_set1_ps(w[k0 * taps + t]), in[t], acc);
            store(acc, k0, i, j0, m);
          }
        }
    }
  });
}

template <int R, int S>
void backward_weights_rs(const float* dy, const float* x, const float* relu_y, bool bf16, int64_t n0, int64_t n1,
                         int64_t H, int64_t W, int64_t K, float* dw, float* db) {
  constexpr int taps = R * S;
  const int64_t P = H - R + 1, Q = W - S + 1;
  std::fill_n(dw, K * taps, 0.0f);
  if (db) std::fill_n(db, K, 0.0f);
  for (int64_t n = n0; n < n1; ++n) {
    const float* xn = x + n * H * W;
    for (int64_t k = 0; k < K; ++k) {
      const int64_t plane = (n * K + k) * P * Q;
      __m512 acc[taps];
#pragma GCC unroll 25
      for (int t = 0; t < taps; ++t) acc[t] = _mm512_setzero_ps();
      __m512 acc_b = _mm512_setzero_ps();
      for (int64_t i = 0; i < P; ++i)
        for (int64_t j0 = 0; j0 < Q; j0 += 16) {
          const __mmask16 m = first_lanes(Q - j0);
          __mmask16 pass = m;
          if (relu_y)  // the gradient passes where the output was positive
            pass = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, relu_y + plane + i * Q + j0),
                                           _mm512_setzero_ps(), _CMP_GT_OQ);
          __m512 d = _mm512_maskz_loadu_ps(pass, dy + plane + i * Q + j0);
          if (bf16) d = round_to_bfloat16(d);
          // software prefetch 2 KB ahead: the hardware prefetcher alone left this loop waiting on memory (3x slower)
          _mm_prefetch(reinterpret_cast<const char*>(dy + plane + i * Q + j0 + 512), _MM_HINT_T0);
          if (relu_y) _mm_prefetch(reinterpret_cast<const char*>(relu_y + plane + i * Q + j0 + 512), _MM_HINT_T0);
          acc_b = _mm512_add_ps(acc_b, d);
#pragma GCC unroll 5
          for (int r = 0; r < R; ++r)
#pragma GCC unroll 5
            for (int s = 0; s < S; ++s)
              acc[r * S + s] =
                  _mm512_fmadd_ps(d, _mm512_maskz_loadu_ps(m, xn + (i + r) * W + j0 + s), acc[r * S + s]);
        }
      // image by image, in order: the same sums on every thread count
#pragma GCC unroll 25
      for (int t = 0; t < taps; ++t) dw[k * taps + t] += _mm512_reduce_add_ps(acc[t]);
      if (db) db[k] += _mm512_reduce_add_ps(acc_b);
    }
  }
}

}  // namespace

void forward(const float* x, const float* w, const float* b, bool relu, bool bf16, int64_t N, int64_t H, int64_t W,
             int64_t K, int64_t R, int64_t S, float* y) {
  if (R == 3 && S == 3) return forward_rs<3, 3>(x, w, b, relu, bf16, N, H, W, K, y);
  if (R == 5 && S == 5) return forward_rs<5, 5>(x, w, b, relu, bf16, N, H, W, K, y);
}

void backward_weights(const float* dy, const float* x, const float* relu_y, bool bf16, int64_t n0, int64_t n1,
                      int64_t H, int64_t W, int64_t K, int64_t R, int64_t S, float* dw, float* db) {
  if (R == 3 && S == 3) return backward_weights_rs<3, 3>(dy, x, relu_y, bf16, n0, n1, H, W, K, dw, db);
  if (R == 5 && S == 5) return backward_weights_rs<5, 5>(dy, x, relu_y, bf16, n0, n1, H, W, K, dw, db);
}

#else  // without AVX-512 conv2d uses im2col + GEMM for every layer

bool one_channel_direct(int64_t, int64_t, int64_t, int, int, bool) { return false; }
void forward(const float*, const float*, const float*, bool, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
             int64_t, float*) {}
void backward_weights(const float*, const float*, const float*, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int64_t, float*, float*) {}

#endif

}  // namespace plateau::ops::direct
