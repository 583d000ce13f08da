#pragma once
// Matrix products: plain matmul and the dense layer's linear map, each a forward/backward pair.

#include "plateau/core/tensor.h"

namespace plateau::ops {

// a (M,K), b (K,N) -> y (M,N)
Tensor matmul_forward(const Tensor& a, const Tensor& b);
struct MatmulGrads {
  Tensor da;  // (M,K)
  Tensor db;  // (K,N)
};
MatmulGrads matmul_backward(const Tensor& dy, const Tensor& a, const Tensor& b);

// x (N,I), w (O,I) in PyTorch's [out,in] layout, b (O) or empty -> y (N,O) = x·wᵀ + b
Tensor linear_forward(const Tensor& x, const Tensor& w, const Tensor& b);
struct LinearGrads {
  Tensor dx;  // (N,I)
  Tensor dw;  // (O,I)
  Tensor db;  // (O), empty when the layer has no bias
};
LinearGrads linear_backward(const Tensor& dy, const Tensor& x, const Tensor& w, bool has_bias);

// This machine's SGEMM ceiling at the current thread count: the best of 20 512x512x512 products, in
// GFLOP/s (the yardstick of plateau profile and the kernel benchmarks).
double measure_sgemm_gflops();

}  // namespace plateau::ops
