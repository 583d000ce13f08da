#pragma once
// Batch normalization over axis 1: x is (N,C,H,W) or (N,C); statistics are per channel c over
// every other axis (M = N·H·W values). Training uses the batch's statistics; inference uses the
// running ones. gamma/beta may be empty (Keras scale=False / center=False) and then act as 1 / 0.

#include "plateau/core/tensor.h"

namespace plateau::ops {

struct BatchNormResult {
  Tensor y;       // x's shape
  Tensor mean;    // (C) batch mean
  Tensor var;     // (C) biased batch variance (divided by M), as Keras uses for its moving variance
  Tensor invstd;  // (C) 1 / sqrt(var + eps), kept for backward
};
BatchNormResult batch_norm_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps);

struct BatchNormGrads {
  Tensor dx;      // x's shape
  Tensor dgamma;  // (C), empty when gamma is empty
  Tensor dbeta;   // (C), empty when beta is empty
};
BatchNormGrads batch_norm_backward_train(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& mean, const Tensor& invstd);

// y = (x - running_mean) / sqrt(running_var + eps) · gamma + beta, as y = fma(x, a, shift) with a and shift per
// channel (computed in double, rounded to float)
Tensor batch_norm_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& running_mean,
                                const Tensor& running_var, double eps);
BatchNormGrads batch_norm_backward_infer(const Tensor& dy, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps);

}  // namespace plateau::ops
