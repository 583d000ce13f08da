#include "core/ops/batch_norm.h"

#include <cmath>

#include "core/error.h"
#include "core/ops/parallel.h"

namespace plateau::ops {
namespace {

struct Layout {
  int64_t N, C, inner;  // value (n, c, k) sits at (n*C + c)*inner + k
  int64_t count() const { return N * inner; }
};

Layout check(const Tensor& x, const Tensor& gamma, const Tensor& beta, const char* op) {
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

void check_stat(const Tensor& t, const Layout& l, const char* op, const char* name) {
  PLATEAU_CHECK(t.shape() == Shape({l.C}), op, ": ", name, " has shape ", t.shape(), ", expected [", l.C, "]");
}

// Calls body(value_index) for every value of channel c in a fixed order.
template <typename Body>
void each_in_channel(const Layout& l, int64_t c, Body&& body) {
  for (int64_t n = 0; n < l.N; ++n) {
    const int64_t base = (n * l.C + c) * l.inner;
    for (int64_t k = 0; k < l.inner; ++k) body(base + k);
  }
}

// Σ term(a[k], b[k]) over channel c's values in double, where a and b are two tensors of x's layout.
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

float scale_of(const Tensor& gamma, int64_t c) { return gamma.empty() ? 1.0f : gamma[c]; }
float shift_of(const Tensor& beta, int64_t c) { return beta.empty() ? 0.0f : beta[c]; }

}  // namespace

BatchNormResult batch_norm_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm");
  BatchNormResult r{Tensor::uninitialized(x.shape()), Tensor(Shape{l.C}), Tensor(Shape{l.C}), Tensor(Shape{l.C})};
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const float* xp = x.data();
    const double mean = channel_sum(l, c, xp, xp, [](double v, double) { return v; }) / static_cast<double>(l.count());
    // two passes: no cancellation from E[x²] - E[x]²
    const double var = channel_sum(l, c, xp, xp, [mean](double v, double) { return (v - mean) * (v - mean); }) /
                       static_cast<double>(l.count());
    const double invstd = 1.0 / std::sqrt(var + eps);
    // y = x·a + b' in float: a = γ·invstd, b' = β − mean·a
    const float a = static_cast<float>(scale_of(gamma, c) * invstd);
    const float shift = static_cast<float>(shift_of(beta, c) - mean * scale_of(gamma, c) * invstd);
    float* yp = r.y.data();
    each_in_channel(l, c, [&](int64_t i) { yp[i] = xp[i] * a + shift; });
    r.mean[c] = static_cast<float>(mean);
    r.var[c] = static_cast<float>(var);
    r.invstd[c] = static_cast<float>(invstd);
  });
  return r;
}

BatchNormGrads batch_norm_backward_train(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& mean, const Tensor& invstd) {
  const Layout l = check(x, gamma, beta, "batch_norm_backward");
  PLATEAU_CHECK(dy.shape() == x.shape(), "batch_norm_backward: dy has shape ", dy.shape(), ", input has ", x.shape());
  check_stat(mean, l, "batch_norm_backward", "mean");
  check_stat(invstd, l, "batch_norm_backward", "invstd");
  BatchNormGrads g{Tensor::uninitialized(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{l.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{l.C})};
  const double M = static_cast<double>(l.count());
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const double mu = mean[c], is = invstd[c], scale = scale_of(gamma, c);
    const float* xp = x.data();
    const float* dyp = dy.data();
    const double sum_dy = channel_sum(l, c, dyp, dyp, [](double d, double) { return d; });
    const double sum_dy_xhat = channel_sum(l, c, dyp, xp, [mu](double d, double v) { return d * (v - mu); }) * is;
    // dx = γ·invstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) = p·dy + q·x + r, with p, q, r per channel, in float
    const double k = scale * is / M;
    const float pc = static_cast<float>(k * M), qc = static_cast<float>(-k * is * sum_dy_xhat);
    const float rc = static_cast<float>(-k * sum_dy + k * is * mu * sum_dy_xhat);
    float* dxp = g.dx.data();
    each_in_channel(l, c, [&](int64_t i) { dxp[i] = pc * dyp[i] + qc * xp[i] + rc; });
    if (!gamma.empty()) g.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!beta.empty()) g.dbeta[c] = static_cast<float>(sum_dy);
  });
  return g;
}

Tensor batch_norm_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                const Tensor& running_var, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm");
  check_stat(running_mean, l, "batch_norm", "running_mean");
  check_stat(running_var, l, "batch_norm", "running_var");
  Tensor y(x.shape());
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    const double mu = running_mean[c], g = scale_of(gamma, c), b = shift_of(beta, c);
    each_in_channel(l, c, [&](int64_t i) { y[i] = static_cast<float>((x[i] - mu) * invstd * g + b); });
  });
  return y;
}

BatchNormGrads batch_norm_backward_infer(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm_backward");
  PLATEAU_CHECK(dy.shape() == x.shape(), "batch_norm_backward: dy has shape ", dy.shape(), ", input has ", x.shape());
  check_stat(running_mean, l, "batch_norm_backward", "running_mean");
  check_stat(running_var, l, "batch_norm_backward", "running_var");
  BatchNormGrads g{Tensor(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{l.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{l.C})};
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    const double mu = running_mean[c], scale = scale_of(gamma, c);
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    each_in_channel(l, c, [&](int64_t i) {
      g.dx[i] = static_cast<float>(dy[i] * scale * invstd);
      sum_dy += dy[i];
      sum_dy_xhat += dy[i] * (x[i] - mu) * invstd;
    });
    if (!gamma.empty()) g.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!beta.empty()) g.dbeta[c] = static_cast<float>(sum_dy);
  });
  return g;
}

}  // namespace plateau::ops
