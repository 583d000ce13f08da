#include "plateau/core/ops/max_pool2d.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/max_pool_plane.h"
#include "plateau/core/ops/parallel.h"

namespace plateau::ops {

MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p) {
  const Shape out = max_pool2d_output_shape(x.shape(), p);
  const int64_t H = x.dim(2), W = x.dim(3), P = out[2], Q = out[3];
  MaxPool2dResult r{Tensor::uninitialized(out), Argmax(static_cast<size_t>(out.numel()))};
  for_each_slice(out[0] * out[1], 16, [&](int64_t, int64_t plane0, int64_t plane1) {
    for (int64_t plane = plane0; plane < plane1; ++plane)
      max_pool_plane(x.data() + plane * H * W, H, W, p, P, Q, r.y.data() + plane * P * Q,
                     r.argmax.data() + plane * P * Q, PoolValue{});
  });
  return r;
}

Tensor max_pool2d_backward(const Tensor& dy, const Argmax& argmax, const Shape& x_shape) {
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
