#pragma once
// 2-D max pooling. Padded positions count as -infinity (never chosen), as in PyTorch and Keras.
// Ties go to the first maximum in row-major window order; NaN propagates (of several, the last is chosen), as
// in PyTorch's CPU kernel.

#include <cstdint>
#include <vector>

#include "plateau/core/ops/argmax.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

struct MaxPool2dParams {
  int pool_h = 2, pool_w = 2;
  int stride_h = 2, stride_w = 2;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

struct MaxPool2dResult {
  Tensor y;                     // (N,C,P,Q)
  Argmax argmax;  // per output element: index h*W+w of the maximum within its (H,W) plane
};

// Checks x (N,C,H,W) and p and returns (N,C,P,Q); errors name the shape and parameters.
Shape max_pool2d_output_shape(const Shape& x, const MaxPool2dParams& p);
// x (N,C,H,W) -> y (N,C,P,Q), P = (H + pad_top + pad_bottom - pool_h) / stride_h + 1
MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p);
// True when no input position lies in two windows (stride ≥ pool), as in the CNN's 2x2/2 pooling.
inline bool windows_disjoint(const MaxPool2dParams& p) { return p.stride_h >= p.pool_h && p.stride_w >= p.pool_w; }
// dy (N,C,P,Q) -> dx (N,C,H,W): each gradient goes to the position of its window's maximum.
Tensor max_pool2d_backward(const Tensor& dy, const Argmax& argmax, const Shape& x_shape);

}  // namespace plateau::ops
