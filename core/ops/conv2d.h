#pragma once
// 2-D convolution (cross-correlation, as PyTorch and Keras compute it) with stride and zero padding.
// Padding may differ per side: Keras "same" pads the extra row/column at the bottom/right.

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

struct Conv2dParams {
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  // BFloat16 (the mixed_bfloat16 policy): x, w, b and, backward, dy rounded to bfloat16, sums in float32,
  // and every result (y; dx, dw, db) rounded to bfloat16, as PyTorch's CPU autocast computes a convolution.
  ComputeType compute = ComputeType::Float32;
};

// Output size along one axis: (in + pad_before + pad_after - kernel) / stride + 1.
int64_t conv_output_size(int64_t in, int64_t kernel, int stride, int pad_before, int pad_after);

// x (N,C,H,W), w (K,C,R,S), b (K) or empty -> y (N,K,P,Q); relu=true fuses max(y, 0)
Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p, bool relu = false);

struct Conv2dGrads {
  Tensor dx;  // (N,C,H,W), empty when not requested
  Tensor dw;  // (K,C,R,S)
  Tensor db;  // (K), empty when the layer has no bias
};
// dy (N,K,P,Q). need_dx=false skips the input gradient (a first layer does not need it). relu_output, when
// given, is the forward's output y of a fused ReLU: the gradient passes only where y > 0 (applied while dy
// is gathered for the GEMM, so it costs no extra pass).
Conv2dGrads conv2d_backward(const Tensor& dy, const Tensor& x, const Tensor& w, const Conv2dParams& p, bool has_bias,
                            bool need_dx = true, const Tensor* relu_output = nullptr);

}  // namespace plateau::ops
