#pragma once
// Matrix products: plain matmul and the dense layer's linear map, each a forward/backward pair.

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

// a (M,K), b (K,N) -> y (M,N)
Tensor matmul_forward(const Tensor& a, const Tensor& b);
struct MatmulGrads {
  Tensor da;  // (M,K)
  Tensor db;  // (K,N)
};
MatmulGrads matmul_backward(const Tensor& dy, const Tensor& a, const Tensor& b);

// x (N,I), w (O,I) in PyTorch's [out,in] layout, b (O) or empty -> y (N,O) = x·wᵀ + b. With
// ComputeType::BFloat16 (the mixed_bfloat16 policy) x, w, b and, backward, dy are rounded to bfloat16, the
// sums are float32 and every result (y; dx, dw, db) is rounded to bfloat16, as PyTorch's CPU autocast
// computes torch.nn.functional.linear.
Tensor linear_forward(const Tensor& x, const Tensor& w, const Tensor& b, ComputeType compute = ComputeType::Float32);
struct LinearGrads {
  Tensor dx;  // (N,I)
  Tensor dw;  // (O,I)
  Tensor db;  // (O), empty when the layer has no bias
};
LinearGrads linear_backward(const Tensor& dy, const Tensor& x, const Tensor& w, bool has_bias,
                            ComputeType compute = ComputeType::Float32);

// This machine's SGEMM ceiling at the current thread count: the best of 20 512x512x512 products, in
// GFLOP/s (the yardstick of plateau profile and the kernel benchmarks).
double measure_sgemm_gflops();

}  // namespace plateau::ops
