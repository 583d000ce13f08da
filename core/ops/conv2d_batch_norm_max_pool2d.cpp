#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm_stats.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/ops/bfloat16_operand.h"
#include "plateau/core/ops/conv2d_geometry.h"
#include "plateau/core/ops/conv2d_one_channel.h"
#include "plateau/core/ops/max_pool_plane.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/ops/scratch.h"

namespace plateau::ops {
namespace {

// The convolution's sizes and the layouts of its output (N, K, P·Q) and of the pooled output (N, K, P'·Q');
// plane n·K + k of the one corresponds to plane n·K + k of the other.
struct Sizes {
  ConvGeometry g;
  int64_t pooled_h, pooled_w;
  bn::Layout conv, pooled;
};

Sizes check(const Tensor& x, const ConvBatchNormPool& f, const char* op) {
  const ConvGeometry g = check_conv_shapes(x, f.w, f.conv, op);
  PLATEAU_CHECK(conv2d_batch_norm_max_pool2d_applies(x.shape(), f.w.shape(), f.conv, f.pool), op,
                ": needs one input channel, a 3x3 or 5x5 kernel, stride 1, no padding, disjoint pooling windows and "
                "AVX-512; got input ",
                x.shape(), ", weight ", f.w.shape(), ", pool ", f.pool.pool_h, "x", f.pool.pool_w, " stride ",
                f.pool.stride_h, "x", f.pool.stride_w);
  const Shape out = max_pool2d_output_shape(Shape{g.N, g.K, g.P, g.Q}, f.pool);
  const Sizes s{g, out[2], out[3], {g.N, g.K, g.P * g.Q}, {g.N, g.K, out[2] * out[3]}};
  // the bias, γ and β, where the layers have them, are per channel
  if (!f.b.empty()) bn::check_stat(f.b, s.conv, op, "bias");
  if (!f.gamma.empty()) bn::check_stat(f.gamma, s.conv, op, "gamma");
  if (!f.beta.empty()) bn::check_stat(f.beta, s.conv, op, "beta");
  return s;
}

// How a conv plane is pooled before its channel's statistics, and so y = fma(x, a, shift), are known: a has
// γ's sign (a = γ·invstd, invstd > 0), so the window's largest y is at its largest x for γ > 0 and at its
// smallest for γ < 0 — taken exactly, as the maximum of x or of −x. For γ = 0 every y is β and the first
// position wins, as it does unfused; a NaN γ makes every y NaN, and the last wins, as unfused.
PoolValue selection(const Tensor& gamma, int64_t c) {
  const float g = bn::scale_of(gamma, c);
  if (g > 0) return PoolValue{};
  if (g < 0) return PoolValue{true, -1.0f, 0.0f};
  return PoolValue{true, g, 0.0f};
}

// Per-thread buffers for one image's K planes (kept between calls: a step allocates them once).
float* image_buffer(int which, int64_t size) {
  thread_local Tensor buffers[2];
  return at_least(buffers[which], size);
}

bool bf16(const ConvBatchNormPool& f) { return f.conv.compute == ComputeType::BFloat16; }

// Image n's convolution output (K,P,Q) into out, as conv2d_forward computes it; x, w and b as rounded for
// the compute type (BFloat16Operand).
void convolve_image(const ConvBatchNormPool& f, const ConvGeometry& g, const float* x, const float* w, const float* b,
                    int64_t n, float* out) {
  direct::forward_image(x + n * g.H * g.W, w, f.b.empty() ? nullptr : b, f.relu, bf16(f), g.H, g.W, g.K, g.R, g.S,
                        out);
}

}  // namespace

bool conv2d_batch_norm_max_pool2d_applies(const Shape& x, const Shape& w, const Conv2dParams& conv,
                                          const MaxPool2dParams& pool) {
  return x.rank() == 4 && w.rank() == 4 && x[1] == 1 && w[1] == 1 && x[2] >= w[2] && x[3] >= w[3] &&
         direct::one_channel_direct(1, w[2], w[3], conv.stride_h, conv.stride_w, padded(conv)) &&
         windows_disjoint(pool);
}

ConvBatchNormMaxPoolResult conv2d_batch_norm_max_pool2d_forward_train(const Tensor& x, const ConvBatchNormPool& f) {
  const Sizes s = check(x, f, "conv2d_batch_norm_max_pool2d");
  const ConvGeometry& g = s.g;
  const int64_t inner = s.conv.inner, outer = s.pooled.inner;
  ConvBatchNormMaxPoolResult r;
  r.argmax.resize(static_cast<size_t>(s.pooled.planes() * outer));
  r.at_argmax = Tensor::uninitialized(Shape{g.N, g.K, s.pooled_h, s.pooled_w});
  // bfloat16: operands rounded as conv2d_forward rounds them
  const BFloat16Operand xr(x, f.conv.compute), wr(f.w, f.conv.compute), br(f.b, f.conv.compute);
  std::vector<double> plane_mean(s.conv.planes()), plane_m2(s.conv.planes());
  for_each_slice(g.N, 8, [&](int64_t, int64_t n0, int64_t n1) {
    float* out = image_buffer(0, g.K * inner);
    for (int64_t n = n0; n < n1; ++n) {
      convolve_image(f, g, xr.data(), wr.data(), br.data(), n, out);
      for (int64_t c = 0; c < g.K; ++c) {  // the image's planes are still in the cache
        const int64_t p = n * g.K + c;
        const float* v = out + c * inner;
        bn::plane_moments(v, inner, plane_mean[p], plane_m2[p]);
        float* at = r.at_argmax.data() + p * outer;
        int32_t* arg = r.argmax.data() + p * outer;
        const PoolValue chosen = selection(f.gamma, c);
        max_pool_plane(v, g.P, g.Q, f.pool, s.pooled_h, s.pooled_w, at, arg, chosen);
        if (!chosen.affine) continue;  // the maxima are x itself
        if (chosen.scale == -1.0f) {   // the maxima of −x, exactly
          for (int64_t j = 0; j < outer; ++j) at[j] = -at[j];
        } else {
          for (int64_t j = 0; j < outer; ++j) at[j] = v[arg[j]];
        }
      }
    }
  });
  const std::vector<bn::ChannelStats> stats =
      bn::combine_stats(s.conv, std::move(plane_mean), std::move(plane_m2), f.gamma, f.beta, f.eps);
  r.y = Tensor::uninitialized(r.at_argmax.shape());
  bn::for_each_plane(s.pooled, [&](int64_t p) {  // y at the argmax, as batch_norm_max_pool2d computes it
    const bn::ChannelStats& st = stats[p % g.K];
    const float* at = r.at_argmax.data() + p * outer;
    float* y = r.y.data() + p * outer;
    for (int64_t j = 0; j < outer; ++j) y[j] = std::fma(at[j], st.a, st.shift);
  });
  r.mean = Tensor(Shape{g.K});
  r.var = Tensor(Shape{g.K});
  r.invstd = Tensor(Shape{g.K});
  for (int64_t c = 0; c < g.K; ++c) {
    r.mean[c] = static_cast<float>(stats[c].mean);
    r.var[c] = static_cast<float>(stats[c].var);
    r.invstd[c] = static_cast<float>(stats[c].invstd);
  }
  return r;
}

ConvBatchNormGrads conv2d_batch_norm_max_pool2d_backward_train(const Tensor& dy, const Tensor& x,
                                                               const ConvBatchNormPool& f,
                                                               const ConvBatchNormMaxPoolResult& saved) {
  const char* op = "conv2d_batch_norm_max_pool2d_backward";
  const Sizes s = check(x, f, op);
  const ConvGeometry& g = s.g;
  const int64_t inner = s.conv.inner, outer = s.pooled.inner;
  const Shape pooled{g.N, g.K, s.pooled_h, s.pooled_w};
  PLATEAU_CHECK(dy.shape() == pooled, op, ": dy has shape ", dy.shape(), ", expected ", pooled);
  PLATEAU_CHECK(saved.at_argmax.shape() == pooled && static_cast<int64_t>(saved.argmax.size()) == dy.numel(), op,
                ": the saved forward results (", saved.argmax.size(), " argmax entries, values at them of shape ",
                saved.at_argmax.shape(), ") do not match dy of shape ", dy.shape());
  bn::check_stat(saved.mean, s.conv, op, "mean");
  bn::check_stat(saved.invstd, s.conv, op, "invstd");

  // batch norm's backward, as batch_norm_max_pool2d_backward_train: the sums over the pooled gradient
  const bn::PooledSums sums = bn::pooled_sums(s.conv, outer, dy.data(), saved.mean, [&](int64_t p, float*) {
    return saved.at_argmax.data() + p * outer;
  });
  const double M = static_cast<double>(sums.whole.count());
  ConvBatchNormGrads r{Tensor(f.w.shape()), f.b.empty() ? Tensor() : Tensor(Shape{g.K}),
                       f.gamma.empty() ? Tensor() : Tensor(Shape{g.K}), f.beta.empty() ? Tensor() : Tensor(Shape{g.K})};
  std::vector<bn::ChannelBackward> k(g.K);
  for (int64_t c = 0; c < g.K; ++c) {
    const double sum_dy = bn::channel_total(sums.whole, sums.dy, c);
    const double sum_dy_xhat = bn::channel_total(sums.whole, sums.dy_centered, c) * saved.invstd[c];
    k[c] = bn::channel_backward(M, bn::scale_of(f.gamma, c), saved.mean[c], saved.invstd[c], sum_dy, sum_dy_xhat);
    if (!f.gamma.empty()) r.dgamma[c] = static_cast<float>(sum_dy_xhat);
    if (!f.beta.empty()) r.dbeta[c] = static_cast<float>(sum_dy);
  }

  // the convolution's weight gradient, as conv2d_backward's direct path sums it, slice by slice; each
  // image's input gradient of batch norm is built in a per-thread buffer instead of an (N,K,P,Q) tensor
  const std::vector<SampleSlice> slices = sample_slices(g.N, group_size(g));
  std::vector<Tensor> dw_parts, db_parts;  // one per slice, each written whole by its slice
  for (size_t i = 0; i < slices.size(); ++i) {
    dw_parts.push_back(Tensor(f.w.shape()));
    if (!f.b.empty()) db_parts.push_back(Tensor(Shape{g.K}));
  }
  // dy of the convolution is rounded as the kernel reads it
  const BFloat16Operand xr(x, f.conv.compute), wr(f.w, f.conv.compute), br(f.b, f.conv.compute);
  for_each_sample_slice(slices, [&](int64_t i, int64_t n0, int64_t n1) {
    float* out = image_buffer(0, g.K * inner);
    float* dout = image_buffer(1, g.K * inner);
    for (int64_t n = n0; n < n1; ++n) {
      convolve_image(f, g, xr.data(), wr.data(), br.data(), n, out);  // again: cheaper than storing it
      for (int64_t c = 0; c < g.K; ++c) {
        const int64_t p = n * g.K + c;
        bn::pooled_backward_plane(k[c], out + c * inner, inner, dy.data() + p * outer, saved.argmax.data() + p * outer,
                                  outer, dout + c * inner);
      }
      direct::add_weight_gradients(dout, xr.data() + n * g.H * g.W, f.relu ? out : nullptr, bf16(f), g.H, g.W, g.K,
                                   g.R, g.S, dw_parts[i].data(), f.b.empty() ? nullptr : db_parts[i].data());
    }
  });
  sum_slice_parts(dw_parts, r.dw);
  if (!f.b.empty()) sum_slice_parts(db_parts, r.db);
  round_result(r.dw, f.conv.compute);  // the whole batch's sums, then one rounding, as conv2d_backward
  round_result(r.db, f.conv.compute);
  return r;
}

Tensor conv2d_batch_norm_max_pool2d_forward_infer(const Tensor& x, const ConvBatchNormPool& f,
                                                  const Tensor& running_mean, const Tensor& running_var) {
  const char* op = "conv2d_batch_norm_max_pool2d";
  const Sizes s = check(x, f, op);
  const ConvGeometry& g = s.g;
  bn::check_stat(running_mean, s.conv, op, "running_mean");
  bn::check_stat(running_var, s.conv, op, "running_var");
  const int64_t inner = s.conv.inner, outer = s.pooled.inner;
  const std::vector<bn::InferenceMap> maps =
      bn::inference_maps(s.conv, f.gamma, f.beta, running_mean, running_var, f.eps);
  Tensor y = Tensor::uninitialized(Shape{g.N, g.K, s.pooled_h, s.pooled_w});
  const BFloat16Operand xr(x, f.conv.compute), wr(f.w, f.conv.compute), br(f.b, f.conv.compute);
  for_each_slice(g.N, 8, [&](int64_t, int64_t n0, int64_t n1) {
    float* out = image_buffer(0, g.K * inner);
    Argmax argmax(static_cast<size_t>(outer));  // not needed: inference keeps no graph
    for (int64_t n = n0; n < n1; ++n) {
      convolve_image(f, g, xr.data(), wr.data(), br.data(), n, out);
      for (int64_t c = 0; c < g.K; ++c)
        max_pool_plane(out + c * inner, g.P, g.Q, f.pool, s.pooled_h, s.pooled_w, y.data() + (n * g.K + c) * outer,
                       argmax.data(), PoolValue{true, maps[c].a, maps[c].shift});
    }
  });
  return y;
}

}  // namespace plateau::ops
