#include "plateau/core/ops/batch_norm.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm_stats.h"

namespace plateau::ops {

using bn::check;
using bn::check_stat;
using bn::Layout;
using bn::kSmallPlane;

BatchNormResult batch_norm_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm");
  BatchNormResult r{Tensor::uninitialized(x.shape()), Tensor(Shape{l.C}), Tensor(Shape{l.C}), Tensor(Shape{l.C})};
  const std::vector<bn::ChannelStats> stats = bn::batch_stats(l, x.data(), gamma, beta, eps);
  if (l.inner < kSmallPlane) {  // small planes: one contiguous loop, the same fma per value
    const std::vector<float> a = bn::per_value(l, [&](int64_t c) { return stats[c].a; });
    const std::vector<float> shift = bn::per_value(l, [&](int64_t c) { return stats[c].shift; });
    bn::for_each_plane_slice(l, [&](int64_t p0, int64_t p1) {
      bn::for_each_value_of_planes(l, p0, p1, [&](int64_t i, int64_t j) { r.y[i] = std::fma(x[i], a[j], shift[j]); });
    });
  } else {
    bn::for_each_plane(l, [&](int64_t p) {
      const bn::ChannelStats& st = stats[p % l.C];
      const float* xp = x.data() + p * l.inner;
      float* yp = r.y.data() + p * l.inner;
      for (int64_t k = 0; k < l.inner; ++k) yp[k] = std::fma(xp[k], st.a, st.shift);
    });
  }
  for (int64_t c = 0; c < l.C; ++c) {
    r.mean[c] = static_cast<float>(stats[c].mean);
    r.var[c] = static_cast<float>(stats[c].var);
    r.invstd[c] = static_cast<float>(stats[c].invstd);
  }
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
  // per plane: Σdy and Σdy·(x − mean)
  std::vector<double> sum_dy(l.planes()), sum_dy_centered(l.planes());
  bn::for_each_plane_slice(l, [&](int64_t p0, int64_t p1) {
    bn::planes_gradient_sums(dy.data(), x.data(), mean, l.C, l.inner, p0, p1, sum_dy.data(), sum_dy_centered.data());
  });
  const Layout whole = bn::gather_planes(l, sum_dy, sum_dy_centered);
  const double M = static_cast<double>(whole.count());
  std::vector<bn::ChannelBackward> k(l.C);
  for (int64_t c = 0; c < l.C; ++c) {
    const double s_dy = bn::channel_total(whole, sum_dy, c);
    const double s_dy_xhat = bn::channel_total(whole, sum_dy_centered, c) * invstd[c];
    k[c] = bn::channel_backward(M, bn::scale_of(gamma, c), mean[c], invstd[c], s_dy, s_dy_xhat);
    if (!gamma.empty()) g.dgamma[c] = static_cast<float>(s_dy_xhat);
    if (!beta.empty()) g.dbeta[c] = static_cast<float>(s_dy);
  }
  if (l.inner < kSmallPlane) {  // small planes: one contiguous loop, the same expression per value
    const std::vector<float> kp = bn::per_value(l, [&](int64_t c) { return k[c].p; });
    const std::vector<float> kq = bn::per_value(l, [&](int64_t c) { return k[c].q; });
    const std::vector<float> kr = bn::per_value(l, [&](int64_t c) { return k[c].r; });
    bn::for_each_plane_slice(l, [&](int64_t p0, int64_t p1) {
      bn::for_each_value_of_planes(l, p0, p1, [&](int64_t i, int64_t j) { g.dx[i] = kp[j] * dy[i] + kq[j] * x[i] + kr[j]; });
    });
  } else {
    bn::for_each_plane(l, [&](int64_t p) {
      const bn::ChannelBackward& kc = k[p % l.C];
      const float* d = dy.data() + p * l.inner;
      const float* xp = x.data() + p * l.inner;
      float* dxp = g.dx.data() + p * l.inner;
      for (int64_t i = 0; i < l.inner; ++i) dxp[i] = kc.p * d[i] + kc.q * xp[i] + kc.r;
    });
  }
  return g;
}

Tensor batch_norm_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                const Tensor& running_var, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm");
  check_stat(running_mean, l, "batch_norm", "running_mean");
  check_stat(running_var, l, "batch_norm", "running_var");
  const std::vector<bn::InferenceMap> maps = bn::inference_maps(l, gamma, beta, running_mean, running_var, eps);
  Tensor y = Tensor::uninitialized(x.shape());
  bn::for_each_plane(l, [&](int64_t p) {
    const bn::InferenceMap& m = maps[p % l.C];
    const float* xp = x.data() + p * l.inner;
    float* yp = y.data() + p * l.inner;
    for (int64_t k = 0; k < l.inner; ++k) yp[k] = std::fma(xp[k], m.a, m.shift);
  });
  return y;
}

BatchNormGrads batch_norm_backward_infer(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps) {
  const Layout l = check(x, gamma, beta, "batch_norm_backward");
  PLATEAU_CHECK(dy.shape() == x.shape(), "batch_norm_backward: dy has shape ", dy.shape(), ", input has ", x.shape());
  check_stat(running_mean, l, "batch_norm_backward", "running_mean");
  check_stat(running_var, l, "batch_norm_backward", "running_var");
  BatchNormGrads g{Tensor::uninitialized(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{l.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{l.C})};
  const std::vector<bn::InferenceMap> maps = bn::inference_maps(l, gamma, beta, running_mean, running_var, eps);
  std::vector<double> sum_dy(l.planes()), sum_dy_centered(l.planes());
  bn::for_each_plane(l, [&](int64_t p) {
    const int64_t c = p % l.C;
    const float* d = dy.data() + p * l.inner;
    float* dxp = g.dx.data() + p * l.inner;
    for (int64_t i = 0; i < l.inner; ++i) dxp[i] = d[i] * maps[c].a;  // dx = dy·γ/sqrt(var + eps)
    bn::plane_gradient_sums(d, x.data() + p * l.inner, l.inner, running_mean[c], sum_dy[p], sum_dy_centered[p]);
  });
  const Layout whole = bn::gather_planes(l, sum_dy, sum_dy_centered);
  for (int64_t c = 0; c < l.C; ++c) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    if (!gamma.empty()) g.dgamma[c] = static_cast<float>(bn::channel_total(whole, sum_dy_centered, c) * invstd);
    if (!beta.empty()) g.dbeta[c] = static_cast<float>(bn::channel_total(whole, sum_dy, c));
  }
  return g;
}

}  // namespace plateau::ops
