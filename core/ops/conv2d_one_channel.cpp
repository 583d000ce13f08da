#include "plateau/core/ops/conv2d_one_channel.h"

#include <algorithm>

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/ops/rows.h"
#include "plateau/core/ops/scratch.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace plateau::ops::direct {
#if defined(__AVX512F__)

bool one_channel_direct(int64_t C, int64_t R, int64_t S, int stride_h, int stride_w, bool padded) {
  return C == 1 && ((R == 3 && S == 3) || (R == 5 && S == 5)) && stride_h == 1 && stride_w == 1 && !padded;
}

namespace {

using rows::first_lanes;

constexpr int64_t kFilters = 8;  // filters computed together: 8 independent FMA chains hide the FMA latency

// x_n (H,W) copied S times into per-thread buffer `which` (64-byte aligned, kept between calls): copy s
// holds columns [s, s + Q) of each row, rows `stride` ≥ Q apart, zero from column Q on. Tap (r, s) of output
// (i, j) is then element (i + r)·stride + j of copy s.
float* shifted_copies(int which, const float* x_n, int64_t H, int64_t W, int64_t S, int64_t Q, int64_t stride) {
  thread_local Tensor buffers[2];
  float* copies = at_least(buffers[which], S * H * stride);
  for (int64_t s = 0; s < S; ++s)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t j0 = 0; j0 < stride; j0 += 16)
        _mm512_mask_storeu_ps(copies + (s * H + h) * stride + j0, first_lanes(stride - j0),
                              _mm512_maskz_loadu_ps(first_lanes(Q - j0), x_n + h * W + j0 + s));
  return copies;
}

// One image: y_n (K,P,Q) = x_n (H,W) ⋆ w + b. R and S are template arguments so that the per-tap arrays
// below live in registers.
//
// The output plane runs as one row of P·Q values, 16 at a time: with x_n's shifted copies in rows of Q
// values, tap (r, s) of output position p = i·Q + j is value p + r·Q of copy s. Row by row, the seed CNN's
// 26-wide rows took two vectors each (32 lanes for 26 values); each output is the same sum as before.
template <int R, int S>
void forward_image_rs(const float* xn, const float* w, const float* b, bool relu, bool bf16, int64_t H, int64_t W,
                      int64_t K, float* yn) {
  constexpr int taps = R * S;
  const int64_t P = H - R + 1, Q = W - S + 1, PQ = P * Q;
  const float* copies = shifted_copies(0, xn, H, W, S, Q, Q);  // (S, H, Q)
  // the sum, then the bias, as the GEMM path; then the ReLU (and, for bfloat16, the rounding)
  auto store = [&](__m512 v, int64_t k, int64_t p0, __mmask16 m) {
    if (b) v = _mm512_add_ps(v, _mm512_set1_ps(b[k]));
    if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
    if (bf16) v = round_to_bfloat16(v);
    _mm512_mask_storeu_ps(yn + k * PQ + p0, m, v);
  };
  for (int64_t p0 = 0; p0 < PQ; p0 += 16) {
    const __mmask16 m = first_lanes(PQ - p0);
    __m512 in[taps];
#pragma GCC unroll 5
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 5
      for (int s = 0; s < S; ++s) in[r * S + s] = _mm512_maskz_loadu_ps(m, copies + (s * H + r) * Q + p0);
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
      for (int f = 0; f < kFilters; ++f) store(acc[f], k0 + f, p0, m);
    }
    for (; k0 < K; ++k0) {  // the filters left over, one at a time
      __m512 acc = _mm512_setzero_ps();
#pragma GCC unroll 25
      for (int t = 0; t < taps; ++t) acc = _mm512_fmadd_ps(_mm512_set1_ps(w[k0 * taps + t]), in[t], acc);
      store(acc, k0, p0, m);
    }
  }
}

// Filters [k, k + F) of one image's weight and bias gradient sums added to dw (K·R·S) and db (K, or null):
// dy_n and relu_n are the image's (K,P,Q) planes, `shifted` its input's shifted copies (S, H, stride).
//
// The R·S shifted rows of x that a chunk of 16 outputs needs are read from x_n's shifted copies, rows
// padded to whole vectors: aligned loads. Read from x_n itself, most of them straddled two cache lines,
// and the loop ran 30% slower (0.75 -> 0.53 ms for the seed CNN's first layer). F filters share each load.
// GCC 12 reports the _mm256_undefined_pd() inside _mm512_reduce_add_ps as used uninitialized here (GCC bug
// 105593, the one core/CMakeLists.txt silences for Eigen): a false report, its lanes are never read.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
template <int R, int S, int F>
void add_filter_gradients(const float* dy_n, const float* shifted, const float* relu_n, bool bf16, int64_t H,
                          int64_t P, int64_t Q, int64_t stride, int64_t k, float* dw, float* db) {
  constexpr int taps = R * S;
  __m512 acc[F * taps], acc_b[F];  // acc[f·taps + t]: filter k + f, tap t
#pragma GCC unroll 2
  for (int f = 0; f < F; ++f) {
#pragma GCC unroll 25
    for (int t = 0; t < taps; ++t) acc[f * taps + t] = _mm512_setzero_ps();
    acc_b[f] = _mm512_setzero_ps();
  }
  for (int64_t i = 0; i < P; ++i)
    for (int64_t j0 = 0; j0 < Q; j0 += 16) {
      const __mmask16 m = first_lanes(Q - j0);
      __m512 d[F];
#pragma GCC unroll 2
      for (int f = 0; f < F; ++f) {
        const int64_t at = (k + f) * P * Q + i * Q + j0;
        __mmask16 pass = m;
        if (relu_n)  // the gradient passes where the output was positive
          pass = _mm512_mask_cmp_ps_mask(m, _mm512_maskz_loadu_ps(m, relu_n + at), _mm512_setzero_ps(), _CMP_GT_OQ);
        d[f] = _mm512_maskz_loadu_ps(pass, dy_n + at);
        if (bf16) d[f] = round_to_bfloat16(d[f]);
        // software prefetch 2 KB ahead: the hardware prefetcher alone left this loop waiting on memory (3x slower)
        _mm_prefetch(reinterpret_cast<const char*>(dy_n + at + 512), _MM_HINT_T0);
        if (relu_n) _mm_prefetch(reinterpret_cast<const char*>(relu_n + at + 512), _MM_HINT_T0);
        acc_b[f] = _mm512_add_ps(acc_b[f], d[f]);
      }
#pragma GCC unroll 5
      for (int r = 0; r < R; ++r)
#pragma GCC unroll 5
        for (int s = 0; s < S; ++s) {
          const __m512 x = _mm512_load_ps(shifted + (s * H + i + r) * stride + j0);
#pragma GCC unroll 2
          for (int f = 0; f < F; ++f) acc[f * taps + r * S + s] = _mm512_fmadd_ps(d[f], x, acc[f * taps + r * S + s]);
        }
    }
  // image by image, in order: the same sums on every thread count
#pragma GCC unroll 25
  for (int t = 0; t < F * taps; ++t) dw[k * taps + t] += _mm512_reduce_add_ps(acc[t]);  // filter by filter
  if (!db) return;
  for (int f = 0; f < F; ++f) db[k + f] += _mm512_reduce_add_ps(acc_b[f]);
}
#pragma GCC diagnostic pop

// One image's weight and bias gradient sums added to dw (K·R·S) and db (K, or null): dy_n and relu_n are
// the image's (K,P,Q) planes, x_n its (H,W) input. 3×3 filters two at a time (2·9 sums and 9 inputs fit the
// 32 vector registers), 5×5 ones one at a time; each sum the same either way.
template <int R, int S>
void add_weight_gradients_rs(const float* dy_n, const float* x_n, const float* relu_n, bool bf16, int64_t H, int64_t W,
                             int64_t K, float* dw, float* db) {
  constexpr int F = R * S <= 9 ? 2 : 1;
  const int64_t P = H - R + 1, Q = W - S + 1, stride = (Q + 15) / 16 * 16;
  const float* shifted = shifted_copies(1, x_n, H, W, S, Q, stride);  // (S, H, stride)
  int64_t k = 0;
  for (; k + F <= K; k += F) add_filter_gradients<R, S, F>(dy_n, shifted, relu_n, bf16, H, P, Q, stride, k, dw, db);
  for (; k < K; ++k) add_filter_gradients<R, S, 1>(dy_n, shifted, relu_n, bf16, H, P, Q, stride, k, dw, db);
}

}  // namespace

void forward_image(const float* x_n, const float* w, const float* b, bool relu, bool bf16, int64_t H, int64_t W,
                   int64_t K, int64_t R, int64_t S, float* y_n) {
  if (R == 3 && S == 3) return forward_image_rs<3, 3>(x_n, w, b, relu, bf16, H, W, K, y_n);
  if (R == 5 && S == 5) return forward_image_rs<5, 5>(x_n, w, b, relu, bf16, H, W, K, y_n);
}

void forward(const float* x, const float* w, const float* b, bool relu, bool bf16, int64_t N, int64_t H, int64_t W,
             int64_t K, int64_t R, int64_t S, float* y) {
  const int64_t out = K * (H - R + 1) * (W - S + 1);
  for_each_slice(N, 8, [&](int64_t, int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n) forward_image(x + n * H * W, w, b, relu, bf16, H, W, K, R, S, y + n * out);
  });
}

void add_weight_gradients(const float* dy_n, const float* x_n, const float* relu_n, bool bf16, int64_t H, int64_t W,
                          int64_t K, int64_t R, int64_t S, float* dw, float* db) {
  if (R == 3 && S == 3) return add_weight_gradients_rs<3, 3>(dy_n, x_n, relu_n, bf16, H, W, K, dw, db);
  if (R == 5 && S == 5) return add_weight_gradients_rs<5, 5>(dy_n, x_n, relu_n, bf16, H, W, K, dw, db);
}

void backward_weights(const float* dy, const float* x, const float* relu_y, bool bf16, int64_t n0, int64_t n1,
                      int64_t H, int64_t W, int64_t K, int64_t R, int64_t S, float* dw, float* db) {
  const int64_t out = K * (H - R + 1) * (W - S + 1);
  std::fill_n(dw, K * R * S, 0.0f);
  if (db) std::fill_n(db, K, 0.0f);
  for (int64_t n = n0; n < n1; ++n)
    add_weight_gradients(dy + n * out, x + n * H * W, relu_y ? relu_y + n * out : nullptr, bf16, H, W, K, R, S, dw,
                         db);
}

#else  // without AVX-512 conv2d uses im2col + GEMM for every layer

bool one_channel_direct(int64_t, int64_t, int64_t, int, int, bool) { return false; }
void forward(const float*, const float*, const float*, bool, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
             int64_t, float*) {}
void forward_image(const float*, const float*, const float*, bool, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
                   float*) {}
void add_weight_gradients(const float*, const float*, const float*, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
                          float*, float*) {}
void backward_weights(const float*, const float*, const float*, bool, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int64_t, float*, float*) {}

#endif

}  // namespace plateau::ops::direct
