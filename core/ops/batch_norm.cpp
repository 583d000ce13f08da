#include "core/ops/batch_norm.h"

#include <cmath>

#include "core/error.h"
#include "core/ops/batch_norm_stats.h"
#include "core/ops/parallel.h"

namespace plateau::ops {
namespace {

using bn::check;
using bn::check_stat;
using bn::Layout;
using bn::scale_of;
using bn::shift_of;

// Calls body(value_index) for every value of channel c in a fixed order.
template <typename Body>
void each_in_channel(const Layout& l, int64_t c, Body&& body) {
  for (int64_t n = 0; n < l.N; ++n) {
    const int64_t base = (n * l.C + c) * l.inner;
    for (int64_t k = 0; k < l.inner; ++k) body(base + k);
  }
}

}  // namespace

BatchNormResult batch_norm_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm");
  BatchNormResult r{Tensor::uninitialized(x.shape()), Tensor(Shape{l.C}), Tensor(Shape{l.C}), Tensor(Shape{l.C})};
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const float* xp = x.data();
    const bn::ChannelStats st = bn::channel_stats(l, c, xp, gamma, beta, eps);
    float* yp = r.y.data();
    each_in_channel(l, c, [&](int64_t i) { yp[i] = std::fma(xp[i], st.a, st.shift); });
    r.mean[c] = static_cast<float>(st.mean);
    r.var[c] = static_cast<float>(st.var);
    r.invstd[c] = static_cast<float>(st.invstd);
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
    const double sum_dy = bn::channel_sum(l, c, dyp, dyp, [](double d, double) { return d; });
    const double sum_dy_xhat = bn::channel_sum(l, c, dyp, xp, [mu](double d, double v) { return d * (v - mu); }) * is;
    const bn::ChannelBackward k = bn::channel_backward(M, scale, mu, is, sum_dy, sum_dy_xhat);
    float* dxp = g.dx.data();
    each_in_channel(l, c, [&](int64_t i) { dxp[i] = k.p * dyp[i] + k.q * xp[i] + k.r; });
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
  Tensor y = Tensor::uninitialized(x.shape());
  for_each_slice(l.C, 1, [&](int64_t c, int64_t, int64_t) {
    const bn::InferenceMap m = bn::inference_map(c, gamma, beta, running_mean, running_var, eps);
    const float* xp = x.data();
    float* yp = y.data();
    each_in_channel(l, c, [&](int64_t i) { yp[i] = std::fma(xp[i], m.a, m.shift); });
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
