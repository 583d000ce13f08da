#include "plateau/core/ops/max_pool2d.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/max_pool_plane.h"
#include "plateau/core/ops/parallel.h"

namespace plateau::ops {

Shape max_pool2d_output_shape(const Shape& x, const MaxPool2dParams& p) {
  PLATEAU_CHECK(x.rank() == 4, "max_pool2d: input must be 4-D (N,C,H,W), got shape ", x);
  PLATEAU_CHECK(p.pool_h >= 1 && p.pool_w >= 1, "max_pool2d: pool size must be positive, got (", p.pool_h, ",",
                p.pool_w, ")");
  PLATEAU_CHECK(p.stride_h >= 1 && p.stride_w >= 1, "max_pool2d: stride must be positive, got (", p.stride_h, ",",
                p.stride_w, ")");
  PLATEAU_CHECK(p.pad_top >= 0 && p.pad_bottom >= 0 && p.pad_left >= 0 && p.pad_right >= 0 &&
                    p.pad_top < p.pool_h && p.pad_bottom < p.pool_h && p.pad_left < p.pool_w &&
                    p.pad_right < p.pool_w,
                "max_pool2d: padding (top ", p.pad_top, ", bottom ", p.pad_bottom, ", left ", p.pad_left, ", right ",
                p.pad_right, ") must be non-negative and smaller than the pool ", p.pool_h, "x", p.pool_w);
  const int64_t H = x[2], W = x[3];
  PLATEAU_CHECK(p.pool_h <= H + p.pad_top + p.pad_bottom && p.pool_w <= W + p.pad_left + p.pad_right,
                "max_pool2d: pool ", p.pool_h, "x", p.pool_w, " is larger than the padded input ",
                H + p.pad_top + p.pad_bottom, "x", W + p.pad_left + p.pad_right, " (input shape ", x, ")");
  const int64_t P = conv_output_size(H, p.pool_h, p.stride_h, p.pad_top, p.pad_bottom);
  const int64_t Q = conv_output_size(W, p.pool_w, p.stride_w, p.pad_left, p.pad_right);
  return {x[0], x[1], P, Q};
}

MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p) {
  const Shape out = max_pool2d_output_shape(x.shape(), p);
  const int64_t H = x.dim(2), W = x.dim(3), P = out[2], Q = out[3];
  MaxPool2dResult r{Tensor::uninitialized(out), std::vector<int32_t>(static_cast<size_t>(out.numel()))};
  for_each_slice(out[0] * out[1], 16, [&](int64_t, int64_t plane0, int64_t plane1) {
    for (int64_t plane = plane0; plane < plane1; ++plane)
      max_pool_plane(x.data() + plane * H * W, H, W, p, P, Q, r.y.data() + plane * P * Q,
                     r.argmax.data() + plane * P * Q, PoolValue{});
  });
  return r;
}

Tensor max_pool2d_backward(const Tensor& dy, const std::vector<int32_t>& argmax, const Shape& x_shape) {
  PLATEAU_CHECK(x_shape.rank() == 4 && dy.shape().rank() == 4 && dy.dim(0) == x_shape[0] && dy.dim(1) == x_shape[1],
                "max_pool2d_backward: dy shape ", dy.shape(), " does not match input shape ", x_shape);
  PLATEAU_CHECK(static_cast<int64_t>(argmax.size()) == dy.numel(), "max_pool2d_backward: ", argmax.size(),
                " argmax entries for dy of shape ", dy.shape());
  const int64_t planes = x_shape[0] * x_shape[1], plane_in = x_shape[2] * x_shape[3];
  const int64_t plane_out = dy.dim(2) * dy.dim(3);
  Tensor dx(x_shape);
  for_each_slice(planes, 16, [&](int64_t, int64_t plane0, int64_t plane1) {
    for (int64_t plane = plane0; plane < plane1; ++plane) {
      float* d = dx.data() + plane * plane_in;
      for (int64_t k = 0; k < plane_out; ++k) d[argmax[plane * plane_out + k]] += dy[plane * plane_out + k];
    }
  });
  return dx;
}

}  // namespace plateau::ops
