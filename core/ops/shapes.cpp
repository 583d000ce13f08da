// The shape rules and checks of core/ops: compiled once, at the baseline, since every kernel set
// (kernels.h) shares them.
#include "plateau/core/error.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/max_pool2d.h"

namespace plateau::ops {

int64_t conv_output_size(int64_t in, int64_t kernel, int stride, int pad_before, int pad_after) {
  return (in + pad_before + pad_after - kernel) / stride + 1;
}

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

void check_same_shape(const Tensor& a, const Tensor& b, const char* op) {
  PLATEAU_CHECK(a.shape() == b.shape(), op, ": shapes ", a.shape(), " and ", b.shape(), " differ");
}

}  // namespace plateau::ops
