#include "plateau/core/ops/batch_norm_max_pool2d.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm_stats.h"
#include "plateau/core/ops/max_pool_plane.h"

namespace plateau::ops {
namespace {

// The input and pooled layouts; plane p = n·C + c of x and of y correspond.
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

// Backward's geometry, from the shapes of x and of the pooled gradient.
Geometry backward_geometry(const Tensor& dy, const Argmax& argmax, const Tensor& x, const Tensor& gamma,
                           const Tensor& beta, const char* op) {
  PLATEAU_CHECK(x.shape().rank() == 4 && dy.shape().rank() == 4 && dy.dim(0) == x.dim(0) && dy.dim(1) == x.dim(1) &&
                    dy.dim(2) <= x.dim(2) && dy.dim(3) <= x.dim(3),
                op, ": dy shape ", dy.shape(), " does not match input shape ", x.shape());
  PLATEAU_CHECK(static_cast<int64_t>(argmax.size()) == dy.numel(), op, ": ", argmax.size(),
                " argmax entries for dy of shape ", dy.shape());
  const bn::Layout in = bn::check(x, gamma, beta, op);
  return {in, {dy.dim(0), dy.dim(1), dy.dim(2) * dy.dim(3)}, x.dim(2), x.dim(3), dy.dim(2), dy.dim(3)};
}

// Pools every plane, reading plane p through value_of(p % C).
template <typename ValueOf>
void pool_planes(const Geometry& g, const Tensor& x, const MaxPool2dParams& p, BatchNormMaxPoolResult& r,
                 ValueOf value_of) {
  bn::for_each_plane(g.in, [&](int64_t plane) {
    bn::prefetch_next_plane(x.data(), g.in.inner, plane, g.in.planes());
    max_pool_plane(x.data() + plane * g.in.inner, g.H, g.W, p, g.P, g.Q, r.y.data() + plane * g.out.inner,
                   r.argmax.data() + plane * g.out.inner, value_of(plane % g.in.C));
  });
}

// The pooled sums of backward, x at the argmax positions gathered plane by plane (x read in order).
bn::PooledSums plane_sums(const Geometry& g, const Tensor& dy, const Argmax& argmax, const Tensor& x,
                          const Tensor& mean) {
  return bn::pooled_sums(g.in, g.out.inner, dy.data(), mean, [&](int64_t p, float* buffer) {
    bn::prefetch_next_plane(x.data(), g.in.inner, p, g.in.planes());
    const float* xp = x.data() + p * g.in.inner;
    const int32_t* at = argmax.data() + p * g.out.inner;
    for (int64_t k = 0; k < g.out.inner; ++k) buffer[k] = xp[at[k]];
    return static_cast<const float*>(buffer);
  });
}

}  // namespace

BatchNormMaxPoolResult batch_norm_max_pool2d_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           double eps, const MaxPool2dParams& p) {
  const Geometry g = check(x, gamma, beta, p, "batch_norm_max_pool2d");
  const int64_t C = g.in.C;
  BatchNormMaxPoolResult r{Tensor::uninitialized(Shape{g.out.N, C, g.P, g.Q}),
                           Argmax(static_cast<size_t>(g.out.count() * C)), Tensor(Shape{C}),
                           Tensor(Shape{C}), Tensor(Shape{C})};
  const std::vector<bn::ChannelStats> stats = bn::batch_stats(g.in, x.data(), gamma, beta, eps);
  pool_planes(g, x, p, r, [&](int64_t c) { return PoolValue{true, stats[c].a, stats[c].shift}; });
  for (int64_t c = 0; c < C; ++c) {
    r.mean[c] = static_cast<float>(stats[c].mean);
    r.var[c] = static_cast<float>(stats[c].var);
    r.invstd[c] = static_cast<float>(stats[c].invstd);
  }
  return r;
}

BatchNormGrads batch_norm_max_pool2d_backward_train(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& mean, const Tensor& invstd) {
  const char* op = "batch_norm_max_pool2d_backward";
  const Geometry g = backward_geometry(dy, argmax, x, gamma, beta, op);
  bn::check_stat(mean, g.in, op, "mean");
  bn::check_stat(invstd, g.in, op, "invstd");
  BatchNormGrads r{Tensor::uninitialized(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{g.in.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{g.in.C})};
  const bn::PooledSums sums = plane_sums(g, dy, argmax, x, mean);
  const double M = static_cast<double>(sums.whole.count());
  std::vector<bn::ChannelBackward> k(g.in.C);
  for (int64_t c = 0; c < g.in.C; ++c) {
    const double sum_dy = bn::channel_total(sums.whole, sums.dy, c);
    const double sum_dy_xhat = bn::channel_total(sums.whole, sums.dy_centered, c) * invstd[c];
    k[c] = bn::channel_backward(M, bn::scale_of(gamma, c), mean[c], invstd[c], sum_dy, sum_dy_xhat);
    if (!gamma.empty()) r.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!beta.empty()) r.dbeta[c] = static_cast<float>(sum_dy);
  }
  bn::for_each_plane(g.in, [&](int64_t p) {  // dx = p·dy + q·x + r, where dy is zero off the argmax positions
    bn::prefetch_next_plane(x.data(), g.in.inner, p, g.in.planes());
    bn::pooled_backward_plane(k[p % g.in.C], x.data() + p * g.in.inner, g.in.inner, dy.data() + p * g.out.inner,
                              argmax.data() + p * g.out.inner, g.out.inner, r.dx.data() + p * g.in.inner);
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
                           Argmax(static_cast<size_t>(g.out.count() * g.in.C)), Tensor(), Tensor(),
                           Tensor()};
  const std::vector<bn::InferenceMap> maps = bn::inference_maps(g.in, gamma, beta, running_mean, running_var, eps);
  pool_planes(g, x, p, r, [&](int64_t c) { return PoolValue{true, maps[c].a, maps[c].shift}; });
  return r;
}

BatchNormGrads batch_norm_max_pool2d_backward_infer(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& running_mean, const Tensor& running_var,
                                                    double eps) {
  const char* op = "batch_norm_max_pool2d_backward";
  const Geometry g = backward_geometry(dy, argmax, x, gamma, beta, op);
  bn::check_stat(running_mean, g.in, op, "running_mean");
  bn::check_stat(running_var, g.in, op, "running_var");
  BatchNormGrads r{Tensor(x.shape()), gamma.empty() ? Tensor() : Tensor(Shape{g.in.C}),
                   beta.empty() ? Tensor() : Tensor(Shape{g.in.C})};
  const bn::PooledSums sums = plane_sums(g, dy, argmax, x, running_mean);
  const std::vector<bn::InferenceMap> maps = bn::inference_maps(g.in, gamma, beta, running_mean, running_var, eps);
  bn::for_each_plane(g.in, [&](int64_t p) {  // dx = dy·γ/sqrt(var + eps) at the argmax positions, zero elsewhere
    const float scale = maps[p % g.in.C].a;
    float* dxp = r.dx.data() + p * g.in.inner;
    const float* d = dy.data() + p * g.out.inner;
    const int32_t* at = argmax.data() + p * g.out.inner;
    for (int64_t j = 0; j < g.out.inner; ++j) dxp[at[j]] = d[j] * scale;
  });
  for (int64_t c = 0; c < g.in.C; ++c) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(running_var[c]) + eps);
    if (!gamma.empty()) r.dgamma[c] = static_cast<float>(bn::channel_total(sums.whole, sums.dy_centered, c) * invstd);
    if (!beta.empty()) r.dbeta[c] = static_cast<float>(bn::channel_total(sums.whole, sums.dy, c));
  }
  return r;
}

}  // namespace plateau::ops
