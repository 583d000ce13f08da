#pragma once
// Batch normalization followed by 2-D max pooling, fused: the CNN's BatchNormalization → MaxPooling2D.
// Forward reads the (N,C,H,W) input twice for the statistics and once to normalize and pool, and never
// writes the normalized tensor; the pooled output, argmax and statistics equal those of batch_norm_forward_*
// then max_pool2d_forward bit for bit. Backward uses that only the argmax positions receive a pooling
// gradient: the sums Σdy and Σdy·x̂ run over the pooled gradient, and dx is one pass over x.
// Requires disjoint pooling windows (ops::windows_disjoint), where pooling's backward has no overlaps.

#include <cstdint>
#include <vector>

#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/max_pool2d.h"

namespace plateau::ops {

struct BatchNormMaxPoolResult {
  Tensor y;                     // (N,C,P,Q) pooled
  Argmax argmax;  // per output element, as max_pool2d_forward's
  Tensor mean, var, invstd;     // (C) batch statistics, as batch_norm_forward_train's (empty in inference)
};

// Training mode: batch statistics.
BatchNormMaxPoolResult batch_norm_max_pool2d_forward_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           double eps, const MaxPool2dParams& p);
// dy (N,C,P,Q) -> dx (N,C,H,W), dgamma, dbeta.
BatchNormGrads batch_norm_max_pool2d_backward_train(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& mean, const Tensor& invstd);

// Inference mode: running statistics (y = (x − mean)/sqrt(var + eps)·γ + β, then pooling).
BatchNormMaxPoolResult batch_norm_max_pool2d_forward_infer(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                           const Tensor& running_mean, const Tensor& running_var,
                                                           double eps, const MaxPool2dParams& p);
BatchNormGrads batch_norm_max_pool2d_backward_infer(const Tensor& dy, const Argmax& argmax,
                                                    const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& running_mean, const Tensor& running_var,
                                                    double eps);

}  // namespace plateau::ops
