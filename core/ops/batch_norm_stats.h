#pragma once
// Internal to core/ops: the per-channel pieces shared by batch_norm.cpp and batch_norm_max_pool2d.cpp, so
// the fused op computes exactly the statistics and affine map the plain one does.
//
// Every pass walks the tensor plane by plane in memory order (plane p = n·C + c holds `inner` values), so
// the hardware streams it; a channel's 128 planes lie 86 KB apart, and visiting them channel by channel
// ran 3-4x slower. Per-plane partial results are combined per channel in plane order n = 0 … N-1, and the
// planes are cut into slices that depend only on the shape: the same result on every thread count.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/ops/rows.h"
#include "plateau/core/ops/scratch.h"
#include "plateau/core/tensor.h"

namespace plateau::ops::bn {

struct Layout {
  int64_t N, C, inner;  // value (n, c, k) sits at (n*C + c)*inner + k
  int64_t count() const { return N * inner; }  // values per channel
  int64_t planes() const { return N * C; }
};

inline Layout check(const Tensor& x, const Tensor& gamma, const Tensor& beta, const char* op) {
  const int64_t rank = x.shape().rank();
  PLATEAU_CHECK(rank == 2 || rank == 4, op, ": input must be (N,C) or (N,C,H,W), got shape ", x.shape());
  Layout l{x.dim(0), x.dim(1), rank == 4 ? x.dim(2) * x.dim(3) : 1};
  PLATEAU_CHECK(l.count() > 0, op, ": input of shape ", x.shape(), " has no values per channel");
  for (const Tensor* t : {&gamma, &beta})
    if (!t->empty())
      PLATEAU_CHECK(t->shape() == Shape({l.C}), op, ": gamma/beta have shape ", t->shape(), ", expected [", l.C,
                    "] for input shape ", x.shape());
  return l;
}

inline void check_stat(const Tensor& t, const Layout& l, const char* op, const char* name) {
  PLATEAU_CHECK(t.shape() == Shape({l.C}), op, ": ", name, " has shape ", t.shape(), ", expected [", l.C, "]");
}

// Calls body(p0, p1) for planes [p0, p1) covering every plane, in parallel slices of about 16K values.
template <typename Body>
void for_each_plane_slice(const Layout& l, Body&& body) {
  const int64_t per_slice = std::max<int64_t>(1, 16384 / l.inner);
  for_each_slice(l.planes(), per_slice, [&](int64_t, int64_t p0, int64_t p1) { body(p0, p1); });
}

// Calls body(plane) for every plane, in parallel slices of about 16K values.
template <typename Body>
void for_each_plane(const Layout& l, Body&& body) {
  for_each_plane_slice(l, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) body(p);
  });
}

// Calls f(i, j) for every value i of planes [p0, p1), where j = i mod C·inner is its index within one
// sample's planes: for elementwise passes over small planes with per-value copies of per-channel constants
// (constant[j]), contiguous loops instead of a short loop and a channel lookup per plane.
template <typename F>
void for_each_value_of_planes(const Layout& l, int64_t p0, int64_t p1, F f) {
  const int64_t sample = l.C * l.inner, end = p1 * l.inner;
  for (int64_t i = p0 * l.inner; i < end;) {
    const int64_t j0 = i % sample, run = std::min(end - i, sample - j0);
    for (int64_t t = 0; t < run; ++t) f(i + t, j0 + t);
    i += run;
  }
}

// values[c·inner + k] = per_channel(c) for k < inner: per-value copies for for_each_value_of_planes.
template <typename PerChannel>
std::vector<float> per_value(const Layout& l, PerChannel per_channel) {
  std::vector<float> values(static_cast<size_t>(l.C * l.inner));
  for (int64_t c = 0; c < l.C; ++c) std::fill_n(values.begin() + c * l.inner, l.inner, per_channel(c));
  return values;
}

// Asks for the plane after p of a tensor with per-plane size `inner` to be brought into the cache: the
// hardware prefetcher of the machines measured here does not run far enough ahead on its own.
inline void prefetch_next_plane(const float* t, int64_t inner, int64_t p, int64_t planes) {
  if (p + 1 >= planes) return;
  const char* next = reinterpret_cast<const char*>(t + (p + 1) * inner);
  for (int64_t b = 0; b < inner * static_cast<int64_t>(sizeof(float)); b += 64) __builtin_prefetch(next + b);
}

// Σ term(a[k], b[k]) for k in [0, n) in double with `lanes` interleaved accumulators (one running sum would
// wait on each add), added pairwise in a fixed order.
template <int lanes, typename Term>
double interleaved_sum(const float* a, const float* b, int64_t n, Term term) {
  double acc[lanes] = {};
  int64_t k = 0;
  for (; k + lanes <= n; k += lanes)
    for (int j = 0; j < lanes; ++j) acc[j] += term(static_cast<double>(a[k + j]), static_cast<double>(b[k + j]));
  for (int j = 0; k < n; ++k, ++j) acc[j] += term(static_cast<double>(a[k]), static_cast<double>(b[k]));
#pragma GCC unroll 32
  for (int width = lanes / 2; width >= 1; width /= 2)
#pragma GCC unroll 32
    for (int j = 0; j < width; ++j) acc[j] += acc[j + width];
  return acc[0];
}

// Σ term(a[k], b[k]) in double: 8 accumulators (one vector) for short rows, 32 (four vectors: one vector's
// chain still waits 4 cycles per add) from 256 values on, where the final additions no longer matter. The
// choice depends on n alone, so the sum is the same on every thread count.
template <typename Term>
double block_sum(const float* a, const float* b, int64_t n, Term term) {
  return n < 256 ? interleaved_sum<8>(a, b, n, term) : interleaved_sum<32>(a, b, n, term);
}

// Planes of fewer values than this are small: see below and for_each_value_of_planes.
constexpr int64_t kSmallPlane = 16;

#if defined(__AVX512F__)
// Small planes (batch_normalization_2's 3x3: 16,384 planes of 9 values a batch) cost more in per-plane
// overhead than in arithmetic, so their sums run 8 planes at a time: one plane per lane of a vector of
// doubles, every lane adding its plane's values as interleaved_sum<8> adds them, so each plane's sum has
// the bits block_sum gives it (BatchNorm.SmallPlanesSumAsOneByOne checks it).

// Value k of the 8 planes of `inner` floats that start at a, as doubles: lane l is plane l's.
inline __m512d plane_lanes(const float* a, int64_t inner, int64_t k) {
  const __m256i starts = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                            _mm256_set1_epi32(static_cast<int>(inner)));
  return _mm512_cvtps_pd(_mm256_i32gather_ps(a + k, starts, 4));
}

// interleaved_sum<8> lane by lane over n values a[k], b[k] (vectors of 8 planes' values).
template <typename Term>
__m512d interleaved_sum_lanes(const __m512d* a, const __m512d* b, int64_t n, Term term) {
  __m512d acc[8];
  for (int j = 0; j < 8; ++j) acc[j] = _mm512_setzero_pd();
  int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) acc[j] = acc[j] + term(a[k + j], b[k + j]);
  for (int j = 0; k < n; ++k, ++j) acc[j] = acc[j] + term(a[k], b[k]);
  for (int width = 4; width >= 1; width /= 2)
    for (int j = 0; j < width; ++j) acc[j] = acc[j] + acc[j + width];
  return acc[0];
}
#endif

// Per-plane partial sums a and b of the whole batch: this process's planes, or, when the batch is split
// across processes (batch_split.h), every process's planes gathered in sample order (planes are
// sample-major, so that is plane order). Returns the layout of the whole batch.
inline Layout gather_planes(const Layout& l, std::vector<double>& a, std::vector<double>& b) {
  const int64_t N = batch_samples(l.N);
  if (N == l.N) return l;
  std::vector<double> both(2 * a.size());  // (a, b) plane by plane: one collective
  for (size_t i = 0; i < a.size(); ++i) {
    both[2 * i] = a[i];
    both[2 * i + 1] = b[i];
  }
  const std::vector<double> all = gather_samples(std::move(both));
  const Layout whole{N, l.C, l.inner};
  PLATEAU_CHECK(static_cast<int64_t>(all.size()) == 2 * whole.planes(), "batch norm: gathered ", all.size() / 2,
                " planes for a batch of ", N, " samples of ", l.C, " channels");
  a.resize(all.size() / 2);
  b.resize(all.size() / 2);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = all[2 * i];
    b[i] = all[2 * i + 1];
  }
  return whole;
}

// Σ over channel c of per-plane values, in plane order.
inline double channel_total(const Layout& l, const std::vector<double>& per_plane, int64_t c) {
  double s = 0.0;
  for (int64_t n = 0; n < l.N; ++n) s += per_plane[n * l.C + c];
  return s;
}

inline float scale_of(const Tensor& gamma, int64_t c) { return gamma.empty() ? 1.0f : gamma[c]; }
inline float shift_of(const Tensor& beta, int64_t c) { return beta.empty() ? 0.0f : beta[c]; }

// A channel's batch statistics and the float affine map y = fma(x, a, shift) that normalizes it
// (a = γ·invstd, shift = β − mean·a).
struct ChannelStats {
  double mean, var, invstd;
  float a, shift;
};

// Σ v[i] (squares = false) or Σ (v[i] − mu)² (squares = true) for i < n: the sums of plane_moments. In
// blocks of 1024 values, lane j of 64 float lanes adds the block's values i ≡ j (mod 64) in order (so a lane
// adds at most 16 terms in float: a relative error below 1e-6), a square by one fma; then the block's lane
// j is added in double to total[j mod 16]. The totals are added pairwise at the end. Converting every value
// to double instead (block_sum) made the first layer's moments cost more than its convolution (0.31 of
// 1.1 ms forward). The AVX-512 path and the portable one add the same terms in the same order: the same
// bits in every kernel set.
inline double lane_sum(const float* v, int64_t n, bool squares, float mu) {
  constexpr int64_t kBlock = 1024, kLanes = 64;
  alignas(64) double total[16] = {};
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t end = std::min(n, b + kBlock);
    int64_t i = b;
#if defined(__AVX512F__)
    const __m512 mu_v = _mm512_set1_ps(mu);
    auto add = [&](__m512 acc, __m512 x, __mmask16 m) {
      if (!squares) return _mm512_mask_add_ps(acc, m, acc, x);
      const __m512 d = _mm512_sub_ps(x, mu_v);
      return _mm512_mask3_fmadd_ps(d, d, acc, m);
    };
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (; i + kLanes <= end; i += kLanes)
#pragma GCC unroll 4
      for (int u = 0; u < 4; ++u) acc[u] = add(acc[u], _mm512_loadu_ps(v + i + 16 * u), 0xFFFF);
    for (int u = 0; i < end; i += 16, ++u) {  // fewer than 64 left: u < 4
      const __mmask16 m = rows::first_lanes(end - i);
      acc[u] = add(acc[u], _mm512_maskz_loadu_ps(m, v + i), m);
    }
    __m512d lo = _mm512_load_pd(total), hi = _mm512_load_pd(total + 8);
    for (int u = 0; u < 4; ++u) {
      lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(acc[u])));
      hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm512_extractf32x8_ps(acc[u], 1)));
    }
    _mm512_store_pd(total, lo);
    _mm512_store_pd(total + 8, hi);
#else
    float lane[kLanes] = {};
    auto add = [&](float acc, float x) {
      if (!squares) return acc + x;
      const float d = x - mu;
      return std::fma(d, d, acc);
    };
    for (; i + kLanes <= end; i += kLanes)
      for (int64_t j = 0; j < kLanes; ++j) lane[j] = add(lane[j], v[i + j]);
    for (int64_t j = 0; i < end; ++i, ++j) lane[j] = add(lane[j], v[i]);
    for (int64_t j = 0; j < kLanes; ++j) total[j % 16] += static_cast<double>(lane[j]);
#endif
  }
  for (int l = 0; l < 8; ++l) total[l] += total[l + 8];
  for (int width = 4; width >= 1; width /= 2)
    for (int l = 0; l < width; ++l) total[l] += total[l + width];
  return total[0];
}

// One plane's mean and Σ(x − mean)², two passes over a plane that sits in L1. Planes of kSmallPlane values
// or more: lane_sum's sums, the squares taken about the mean rounded to float, mu, and corrected to the
// mean: Σ(x − mean)² = Σ(x − mu)² − n·(mean − mu)². Smaller ones: block_sum, in double.
inline void plane_moments(const float* v, int64_t inner, double& mean, double& m2) {
  const double n = static_cast<double>(inner);
  if (inner >= kSmallPlane) {
    mean = lane_sum(v, inner, false, 0.0f) / n;
    const float mu = static_cast<float>(mean);
    const double off = mean - static_cast<double>(mu);
    m2 = std::max(0.0, lane_sum(v, inner, true, mu) - n * off * off);
    return;
  }
  mean = block_sum(v, v, inner, [](double a, double) { return a; }) / n;
  const double mu = mean;
  m2 = block_sum(v, v, inner, [mu](double a, double) { return (a - mu) * (a - mu); });
}

// Mean and biased variance per channel over the whole batch (gather_planes) from every plane's moments,
// combined per channel in plane order with Chan et al.'s pairwise update, in double: no cancellation from
// E[x²] − E[x]² and a single pass over memory. The channels are updated side by side, sample by sample:
// each channel's chain of divisions waits on its last, so one channel at a time ran at the divider's
// latency (0.10 ms for batch_normalization_2's 128 × 128 planes, 0.02 ms side by side; same bits).
inline std::vector<ChannelStats> combine_stats(const Layout& l, std::vector<double> plane_mean,
                                               std::vector<double> plane_m2, const Tensor& gamma, const Tensor& beta,
                                               double eps) {
  const double m = static_cast<double>(l.inner);
  const Layout whole = gather_planes(l, plane_mean, plane_m2);
  std::vector<double> mean(l.C, 0.0), m2(l.C, 0.0);
  double count = 0.0;
  for (int64_t n = 0; n < whole.N; ++n) {
    const double total = count + m;
    const double* mean_n = plane_mean.data() + n * l.C;  // sample n's planes: one per channel
    const double* m2_n = plane_m2.data() + n * l.C;
    for (int64_t c = 0; c < l.C; ++c) {
      const double delta = mean_n[c] - mean[c];
      mean[c] += delta * m / total;
      m2[c] += m2_n[c] + delta * delta * count * m / total;
    }
    count = total;
  }
  std::vector<ChannelStats> stats(l.C);
  for (int64_t c = 0; c < l.C; ++c) {
    const double var = m2[c] / count, invstd = 1.0 / std::sqrt(var + eps);
    stats[c] = {mean[c], var, invstd, static_cast<float>(scale_of(gamma, c) * invstd),
                static_cast<float>(shift_of(beta, c) - mean[c] * scale_of(gamma, c) * invstd)};
  }
  return stats;
}

// Σdy and Σdy·(x − mu) over one plane's n values of dy and x: batch norm backward's two sums.
inline void plane_gradient_sums(const float* dy, const float* x, int64_t n, double mu, double& sum_dy,
                                double& sum_dy_centered) {
  sum_dy = block_sum(dy, dy, n, [](double a, double) { return a; });
  sum_dy_centered = block_sum(dy, x, n, [mu](double a, double b) { return a * (b - mu); });
}

// plane_moments of planes [p0, p1) of x (per-plane size inner) into mean[p] and m2[p].
inline void planes_moments(const float* x, int64_t inner, int64_t p0, int64_t p1, double* mean, double* m2) {
  int64_t p = p0;
#if defined(__AVX512F__)
  if (inner < kSmallPlane)
    for (; p + 8 <= p1; p += 8) {
      __m512d v[kSmallPlane];
      for (int64_t k = 0; k < inner; ++k) v[k] = plane_lanes(x + p * inner, inner, k);
      const __m512d mu = interleaved_sum_lanes(v, v, inner, [](__m512d a, __m512d) { return a; }) /
                         _mm512_set1_pd(static_cast<double>(inner));
      _mm512_storeu_pd(mean + p, mu);
      _mm512_storeu_pd(m2 + p, interleaved_sum_lanes(v, v, inner, [mu](__m512d a, __m512d) { return (a - mu) * (a - mu); }));
    }
#endif
  for (; p < p1; ++p) {
    prefetch_next_plane(x, inner, p, p1);
    plane_moments(x + p * inner, inner, mean[p], m2[p]);
  }
}

// Per plane of [p0, p1): Σdy and Σdy·(x − mean[c]), c the plane's channel, into sum_dy[p] and
// sum_dy_centered[p] (dy and x with per-plane size inner, C channels).
inline void planes_gradient_sums(const float* dy, const float* x, const Tensor& mean, int64_t C, int64_t inner,
                                 int64_t p0, int64_t p1, double* sum_dy, double* sum_dy_centered) {
  int64_t p = p0;
#if defined(__AVX512F__)
  if (inner < kSmallPlane)
    for (; p + 8 <= p1; p += 8) {
      __m512d d[kSmallPlane], v[kSmallPlane];
      for (int64_t k = 0; k < inner; ++k) {
        d[k] = plane_lanes(dy + p * inner, inner, k);
        v[k] = plane_lanes(x + p * inner, inner, k);
      }
      alignas(64) double means[8];
      for (int l = 0; l < 8; ++l) means[l] = mean[(p + l) % C];
      const __m512d mu = _mm512_load_pd(means);
      _mm512_storeu_pd(sum_dy + p, interleaved_sum_lanes(d, d, inner, [](__m512d a, __m512d) { return a; }));
      _mm512_storeu_pd(sum_dy_centered + p,
                       interleaved_sum_lanes(d, v, inner, [mu](__m512d a, __m512d b) { return a * (b - mu); }));
    }
#endif
  for (; p < p1; ++p)
    plane_gradient_sums(dy + p * inner, x + p * inner, inner, mean[p % C], sum_dy[p], sum_dy_centered[p]);
}

// The batch statistics of x, plane by plane (plane_moments), then combined (combine_stats).
inline std::vector<ChannelStats> batch_stats(const Layout& l, const float* x, const Tensor& gamma, const Tensor& beta,
                                             double eps) {
  std::vector<double> plane_mean(l.planes()), plane_m2(l.planes());
  for_each_plane_slice(l, [&](int64_t p0, int64_t p1) {
    planes_moments(x, l.inner, p0, p1, plane_mean.data(), plane_m2.data());
  });
  return combine_stats(l, std::move(plane_mean), std::move(plane_m2), gamma, beta, eps);
}

// Inference's affine map for channel c from the running statistics: y = fma(x, a, shift) with
// a = γ/sqrt(var + eps) and shift = β − mean·a computed in double, then rounded to float.
struct InferenceMap {
  float a, shift;
};
inline InferenceMap inference_map(int64_t c, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                  const Tensor& running_var, double eps) {
  const double a = scale_of(gamma, c) / std::sqrt(static_cast<double>(running_var[c]) + eps);
  return {static_cast<float>(a), static_cast<float>(shift_of(beta, c) - running_mean[c] * a)};
}

inline std::vector<InferenceMap> inference_maps(const Layout& l, const Tensor& gamma, const Tensor& beta,
                                                const Tensor& running_mean, const Tensor& running_var, double eps) {
  std::vector<InferenceMap> maps(l.C);
  for (int64_t c = 0; c < l.C; ++c) maps[c] = inference_map(c, gamma, beta, running_mean, running_var, eps);
  return maps;
}

// Backward of training-mode batch norm for channel c, given Σdy and Σdy·x̂ over the channel:
// dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) = p·dy + q·x + r, with p, q, r per channel, in float.
struct ChannelBackward {
  float p, q, r;
};
inline ChannelBackward channel_backward(double M, double gamma, double mean, double invstd, double sum_dy,
                                        double sum_dy_xhat) {
  const double k = gamma * invstd / M;
  return {static_cast<float>(k * M), static_cast<float>(-k * invstd * sum_dy_xhat),
          static_cast<float>(-k * sum_dy + k * invstd * mean * sum_dy_xhat)};
}

// Batch norm followed by max pooling with disjoint windows: only the argmax positions receive a gradient.
// Per plane: Σdy over the pooled gradient dy (`outer` values a plane) and Σdy·(x at the argmax − the
// channel's mean); x_at(p, buffer) gives plane p's `outer` values of x at its argmax positions, either
// where they are stored or gathered into buffer. Gathered over the whole batch.
struct PooledSums {
  std::vector<double> dy, dy_centered;  // per plane of the whole batch
  Layout whole;
};
template <typename XAt>
PooledSums pooled_sums(const Layout& in, int64_t outer, const float* dy, const Tensor& mean, XAt x_at) {
  PooledSums s{std::vector<double>(in.planes()), std::vector<double>(in.planes()), in};
  for_each_plane(in, [&](int64_t p) {
    thread_local std::vector<float> buffer;
    plane_gradient_sums(dy + p * outer, x_at(p, at_least(buffer, outer)), outer, mean[p % in.C], s.dy[p],
                        s.dy_centered[p]);
  });
  s.whole = gather_planes(in, s.dy, s.dy_centered);
  return s;
}

// One plane of dx = p·dy + q·x + r, where dy (`outer` values) is zero off the argmax positions `at`.
inline void pooled_backward_plane(const ChannelBackward& k, const float* x, int64_t inner, const float* dy,
                                  const int32_t* at, int64_t outer, float* dx) {
  for (int64_t i = 0; i < inner; ++i) dx[i] = k.q * x[i] + k.r;
  for (int64_t j = 0; j < outer; ++j) dx[at[j]] += k.p * dy[j];
}

}  // namespace plateau::ops::bn
