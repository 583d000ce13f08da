#pragma once
// 2-D max pooling. Padded positions count as -infinity (never chosen), as in PyTorch and Keras.
// Ties go to the first maximum in row-major window order, as in PyTorch.

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace plateau::ops {

struct MaxPool2dParams {
  int pool_h = 2, pool_w = 2;
  int stride_h = 2, stride_w = 2;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
};

struct MaxPool2dResult {
  Tensor y;                     // (N,C,P,Q)
  std::vector<int32_t> argmax;  // per output element: index h*W+w of the maximum within its (H,W) plane
};

// x (N,C,H,W) -> y (N,C,P,Q), P = (H + pad_top + pad_bottom - pool_h) / stride_h + 1
MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p);
// dy (N,C,P,Q) -> dx (N,C,H,W): each gradient goes to the position of its window's maximum.
Tensor max_pool2d_backward(const Tensor& dy, const std::vector<int32_t>& argmax, const Shape& x_shape);

}  // namespace plateau::ops
