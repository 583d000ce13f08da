#pragma once
// Internal to core/ops: direct convolution kernels for a first layer — one input channel, stride 1, no
// padding, a 3x3 or 5x5 kernel — with AVX-512. im2col + GEMM spends most of its time there copying: a
// 3x3 kernel on one channel gives a GEMM of depth 9. Here each output row is cut into 16-float chunks; the
// R·S shifted input vectors of a chunk are loaded once and serve every filter. Used by conv2d.cpp when
// one_channel_direct() says so; otherwise conv2d falls back to im2col + GEMM.

#include <cstdint>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau::ops::direct {

// True when the direct kernels apply (and were compiled in: they need AVX-512).
bool one_channel_direct(int64_t C, int64_t R, int64_t S, int stride_h, int stride_w, bool padded);

// y (N,K,P,Q) = x (N,1,H,W) ⋆ w (K,1,R,S) + b, then ReLU when asked, then rounded to bfloat16 when bf16;
// b may be null.
void forward(const float* x, const float* w, const float* b, bool relu, bool bf16, int64_t N, int64_t H, int64_t W,
             int64_t K, int64_t R, int64_t S, float* y);

// One image: y_n (K,P,Q) = x_n (H,W) ⋆ w + b, as forward() computes each image.
void forward_image(const float* x_n, const float* w, const float* b, bool relu, bool bf16, int64_t H, int64_t W,
                   int64_t K, int64_t R, int64_t S, float* y_n);

// Adds one image's weight and bias gradient sums to dw and db (or null): dy_n and relu_n (or null) are its
// (K,P,Q) planes, x_n its (H,W) input. backward_weights() calls it image by image.
void add_weight_gradients(const float* dy_n, const float* x_n, const float* relu_n, bool bf16, int64_t H, int64_t W,
                          int64_t K, int64_t R, int64_t S, float* dw, float* db);

// Weight and bias gradients for the images [n0, n1): dw (K·R·S) and db (K, or null) are overwritten with this
// slice's sums. relu_y, when given, masks dy where the forward output was not positive; bf16 rounds each dy
// to bfloat16 as it is read.
void backward_weights(const float* dy, const float* x, const float* relu_y, bool bf16, int64_t n0, int64_t n1,
                      int64_t H, int64_t W, int64_t K, int64_t R, int64_t S, float* dw, float* db);

}  // namespace plateau::ops::direct
