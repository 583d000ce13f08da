#pragma once
// Internal to core/ops: the per-channel pieces shared by batch_norm.cpp and batch_norm_max_pool2d.cpp, so
// the fused op computes exactly the statistics and affine map the plain one does.

#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/tensor.h"

namespace plateau::ops::bn {

struct Layout {
  int64_t N, C, inner;  // value (n, c, k) sits at (n*C + c)*inner + k
  int64_t count() const { return N * inner; }
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

// Σ term(a[k], b[k]) over channel c's values in double, where a and b are two tensors of layout l.
// 8 interleaved accumulators summed in a fixed order at the end: the same result on every run and
// thread count, and a loop over contiguous blocks that the compiler vectorizes (one running sum would
// serialize on the add latency).
template <typename Term>
double channel_sum(const Layout& l, int64_t c, const float* a, const float* b, Term term) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t n = 0; n < l.N; ++n) {
    const int64_t base = (n * l.C + c) * l.inner;
    const float* pa = a + base;
    const float* pb = b + base;
    int64_t k = 0;
    for (; k + 8 <= l.inner; k += 8)
      for (int j = 0; j < 8; ++j) acc[j] += term(static_cast<double>(pa[k + j]), static_cast<double>(pb[k + j]));
    for (int j = 0; k < l.inner; ++k, ++j) acc[j] += term(static_cast<double>(pa[k]), static_cast<double>(pb[k]));
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

inline float scale_of(const Tensor& gamma, int64_t c) { return gamma.empty() ? 1.0f : gamma[c]; }
inline float shift_of(const Tensor& beta, int64_t c) { return beta.empty() ? 0.0f : beta[c]; }

// Channel c's batch statistics and the float affine map y = x·a + shift that normalizes it.
struct ChannelStats {
  double mean, var, invstd;
  float a, shift;
};
inline ChannelStats channel_stats(const Layout& l, int64_t c, const float* x, const Tensor& gamma, const Tensor& beta,
                                  double eps) {
  const double count = static_cast<double>(l.count());
  const double mean = channel_sum(l, c, x, x, [](double v, double) { return v; }) / count;
  // two passes: no cancellation from E[x²] - E[x]²
  const double var = channel_sum(l, c, x, x, [mean](double v, double) { return (v - mean) * (v - mean); }) / count;
  const double invstd = 1.0 / std::sqrt(var + eps);
  // y = fma(x, a, shift) in float: a = γ·invstd, shift = β − mean·a
  return {mean, var, invstd, static_cast<float>(scale_of(gamma, c) * invstd),
          static_cast<float>(shift_of(beta, c) - mean * scale_of(gamma, c) * invstd)};
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

}  // namespace plateau::ops::bn
