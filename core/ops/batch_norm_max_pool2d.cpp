#include "core/ops/batch_norm_max_pool2d.h"

#include <cmath>

#include "core/error.h"
#include "core/ops/batch_norm_stats.h"
#include "core/ops/max_pool_plane.h"
#include "core/ops/parallel.h"

namespace plateau::ops {
namespace {

// The input and pooled layouts; planes (n, c) of x and of y correspond.
struct Geometry {
  bn::Layout in, out;  // in: (N, C, H·W), out: (N, C, P·Q)
  int64_t H, W, P, Q;
};

Geometry check(const Tensor& x, const Tensor& gamma, const Tensor& beta, const MaxPool2dParams& p, const char* op) {
  PLATEAU_CHECK(windows_disjoint(p), op, ": pooling windows overlap (pool ", p.pool_h, "x", p.pool_w, ", stride ",
                p.stride_h, "x", p.stride_w, "); use batch_norm then max_pool2d");
  const Shape out = max_pool2d_output_shape(x.shape(), p);
  const bn::Layout in = bn::check(x, gamma, beta, op);
  return {in, {out[0], out[1], out[2] * out[3]}, x.dim(2), x.dim(3), out[2], out[3]};
}

// Backward's geometry, from x and the pooled gradient's shapes; argmax must index within each plane.
Geometry backward_geometry(const Tensor& dy, const std::vector<int32_t>& argmax, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, const char* op) {
  PLATEAU_CHECK(x.shape().rank() == 4 && dy.shape().rank() == 4 && dy.dim(0) == x.dim(0) && dy.dim(1) == x.dim(1) &&
                    dy.dim(2) <= x.dim(2) && dy.dim(3) <= x.dim(3),
                op, ": dy shape ", dy.shape(), " does not match input shape ", x.shape());
  PLATEAU_CHECK(static_cast<int64_t>(argmax.size()) == dy.numel(), op, ": ", argmax.size(),
                " argmax entries for dy of shape ", dy.shape());
  const bn::Layout in = bn::check(x, gamma, beta, op);
  return {in, {dy.dim(0), dy.dim(1), dy.dim(2) * dy.dim(3)}, x.dim(2), x.dim(3), dy.dim(2), dy.dim(3)};
}

// Pools every plane of channel c, reading x through value(v).
void pool_channel(const Geometry& g, int64_t c, const Tensor& x, const MaxPool2dParams& p, BatchNormMaxPoolResult& r,
                  const PoolValue& value) {
  for (int64_t n = 0; n < g.in.N; ++n) {
    const int64_t plane = n * g.in.C + c;
    max_pool_plane(x.data() + plane * g.in.inner, g.H, g.W, p, g.P, g.Q, r.y.data() + plane * g.out.inner,
                   r.argmax.data() + plane * g.out.inner, value);
  }
}

// Σ over channel c's pooled gradients of dy·(x at the argmax − mu), in a fixed order (4 interleaved
// accumulators, so the adds do not wait on each other).
double sum_dy_centered(const Geometry& g, int64_t c, const Tensor& dy, const std::vector<int32_t>& argmax,
                       const Tensor& x, double mu) {
  double acc[4] = {0, 0, 0, 0};
  for (int64_t n = 0; n < g.in.N; ++n) {
    const int64_t plane = n * g.in.C + c;
    const float* xp = x.data() + plane * g.in.inner;
    const float* d = dy.data() + plane * g.out.inner;
    const int32_t* at = argmax.data() + plane * g.out.inner;
    for (int64_t k = 0; k < g.out.inner; ++k) acc[k & 3] += static_cast<double>(d[k]) * (xp[at[k]] - mu);
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

}  // namespace

BatchNormMaxPoolResult batch_norm_max_pool2d_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           double eps, const MaxPool2dParams& p) {
  const Geometry g = check(x, gamma, beta, p, "batch_norm_max_pool2d");
  const int64_t C = g.in.C;
  BatchNormMaxPoolResult r{Tensor::uninitialized(Shape{g.out.N, C, g.P, g.Q}),
                           std::vector<int32_t>(static_cast<size_t>(g.out.count() * C)), Tensor(Shape{C}),
                           Tensor(Shape{C}), Tensor(Shape{C})};
  for_each_slice(C, 1, [&](int64_t c, int64_t, int64_t) {
    const bn::ChannelStats st = bn::channel_stats(g.in, c, x.data(), gamma, beta, eps);
    pool_channel(g, c, x, p, r, PoolValue{true, st.a, st.shift});
    r.mean[c] = static_cast<float>(st.mean);
    r.var[c] = static_cast<float>(st.var);
    r.invstd[c] = static_cast<float>(st.invstd);
  });
  return r;
}

BatchNormGrads batch_norm_max_pool2d_backward_train(const Tensor& dy, const std::vector<int32_t>& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& mean, const Tensor& invstd) {
  const char* op = "batch_norm_max_pool2d_backward";
  const Geometry g = backward_geometry(dy, argmax, x, gamma, beta, op);
  bn::check_stat(mean, g.in, op, "mean");
  bn::check_stat(invstd, g.in, op, "invstd");
  BatchNormGrads r{Tensor::uninitialized(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{g.in.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{g.in.C})};
  const double M = static_cast<double>(g.in.count());
  for_each_slice(g.in.C, 1, [&](int64_t c, int64_t, int64_t) {
    const double mu = mean[c], is = invstd[c];
    // only the argmax positions have a gradient: both sums run over the pooled dy
    const double sum_dy = bn::channel_sum(g.out, c, dy.data(), dy.data(), [](double d, double) { return d; });
    const double sum_dy_xhat = sum_dy_centered(g, c, dy, argmax, x, mu) * is;
    const bn::ChannelBackward k = bn::channel_backward(M, bn::scale_of(gamma, c), mu, is, sum_dy, sum_dy_xhat);
    for (int64_t n = 0; n < g.in.N; ++n) {  // dx = p·dy + q·x + r, where dy is zero off the argmax positions
      const int64_t plane = n * g.in.C + c;
      const float* xp = x.data() + plane * g.in.inner;
      float* dxp = r.dx.data() + plane * g.in.inner;
      for (int64_t i = 0; i < g.in.inner; ++i) dxp[i] = k.q * xp[i] + k.r;
      const float* d = dy.data() + plane * g.out.inner;
      const int32_t* at = argmax.data() + plane * g.out.inner;
      for (int64_t j = 0; j < g.out.inner; ++j) dxp[at[j]] += k.p * d[j];
    }
    if (!gamma.empty()) r.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!beta.empty()) r.dbeta[c] = static_cast<float>(sum_dy);
  });
  return r;
}

BatchNormMaxPoolResult batch_norm_max_pool2d_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           const Tensor& running_mean, const Tensor& running_var,
                                                           double eps, const MaxPool2dParams& p) {
  const Geometry g = check(x, gamma, beta, p, "batch_norm_max_pool2d");
  bn::check_stat(running_mean, g.in, "batch_norm_max_pool2d", "running_mean");
  bn::check_stat(running_var, g.in, "batch_norm_max_pool2d", "running_var");
  BatchNormMaxPoolResult r{Tensor::uninitialized(Shape{g.out.N, g.in.C, g.P, g.Q}),
                           std::vector<int32_t>(static_cast<size_t>(g.out.count() * g.in.C)), Tensor(), Tensor(),
                           Tensor()};
  for_each_slice(g.in.C, 1, [&](int64_t c, int64_t, int64_t) {
    const bn::InferenceMap m = bn::inference_map(c, gamma, beta, running_mean, running_var, eps);
    pool_channel(g, c, x, p, r, PoolValue{true, m.a, m.shift});
  });
  return r;
}

BatchNormGrads batch_norm_max_pool2d_backward_infer(const Tensor& dy, const std::vector<int32_t>& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& running_mean, const Tensor& running_var,
                                                    double eps) {
  const char* op = "batch_norm_max_pool2d_backward";
  const Geometry g = backward_geometry(dy, argmax, x, gamma, beta, op);
  bn::check_stat(running_mean, g.in, op, "running_mean");
  bn::check_stat(running_var, g.in, op, "running_var");
  BatchNormGrads r{Tensor(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{g.in.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{g.in.C})};
  for_each_slice(g.in.C, 1, [&](int64_t c, int64_t, int64_t) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    const double mu = running_mean[c], scale = bn::scale_of(gamma, c);
    const double sum_dy = bn::channel_sum(g.out, c, dy.data(), dy.data(), [](double d, double) { return d; });
    const double sum_dy_xhat = sum_dy_centered(g, c, dy, argmax, x, mu) * invstd;
    for (int64_t n = 0; n < g.in.N; ++n) {  // dx = dy·γ·invstd at the argmax positions, zero elsewhere
      const int64_t plane = n * g.in.C + c;
      float* dxp = r.dx.data() + plane * g.in.inner;
      const float* d = dy.data() + plane * g.out.inner;
      const int32_t* at = argmax.data() + plane * g.out.inner;
      for (int64_t j = 0; j < g.out.inner; ++j) dxp[at[j]] = static_cast<float>(d[j] * scale * invstd);
    }
    if (!gamma.empty()) r.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!beta.empty()) r.dbeta[c] = static_cast<float>(sum_dy);
  });
  return r;
}

}  // namespace plateau::ops
