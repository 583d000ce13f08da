#pragma once
// A first convolution, batch normalization and max pooling, fused: the CNN's Conv2D (one input channel, ReLU)
// → BatchNormalization → MaxPooling2D. Unfused, the convolution writes its (N,K,P,Q) output (11 MB for the
// seed CNN's batch), batch norm reads it twice, and backward writes and re-reads an input gradient of that
// size. Fused, nothing of that size is ever stored: forward convolves one image at a time into a per-thread
// buffer and takes its planes' moments and window maxima while they sit in the cache; backward convolves
// each image again (a few hundred FLOPs a value, cheaper than storing and reloading it) and builds its
// gradient planes beside it for the weight-gradient kernel. Only pooled-size results are kept.
//
// The results equal those of conv2d → batch_norm_max_pool2d bit for bit (the same kernels and sums, in the
// same order), with one exception: the window's maximum of y = fma(x, a, shift) is taken as y at the window's
// maximum of x (its minimum when γ < 0), which is the same value; but where two different x round to the same
// y, the unfused op routes the gradient to the first of them and this one to the larger x.
//
// Applies where the direct one-channel kernels do (conv2d_one_channel.h) and the pooling windows are disjoint;
// the convolution's input gets no gradient (it is a first layer's).

#include <cstdint>
#include <vector>

#include "plateau/core/ops/argmax.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/max_pool2d.h"

namespace plateau::ops {

// The three layers' parameters: the convolution's w (K,1,R,S), b (K) or empty, its params and fused ReLU;
// batch norm's γ and β ((K) or empty) and epsilon; the pooling.
struct ConvBatchNormPool {
  const Tensor& w;
  const Tensor& b;
  Conv2dParams conv;
  bool relu;
  const Tensor& gamma;
  const Tensor& beta;
  double eps;
  MaxPool2dParams pool;
};

// True when the fused op runs an input of shape x (N,C,H,W) through a convolution of weight shape w.
bool conv2d_batch_norm_max_pool2d_applies(const Shape& x, const Shape& w, const Conv2dParams& conv,
                                          const MaxPool2dParams& pool);

struct ConvBatchNormMaxPoolResult {
  Tensor y;                     // (N,K,P',Q') pooled
  Argmax argmax;                // per pooled element, its position in its conv plane
  Tensor at_argmax;             // (N,K,P',Q') the convolution's output at each argmax
  Tensor mean, var, invstd;     // (K) batch statistics, as batch_norm_forward_train's
};

// Training mode: batch statistics.
ConvBatchNormMaxPoolResult conv2d_batch_norm_max_pool2d_forward_train(const Tensor& x, const ConvBatchNormPool& f);

struct ConvBatchNormGrads {
  Tensor dw, db;          // the convolution's (db empty without a bias)
  Tensor dgamma, dbeta;   // batch norm's (empty where it has none)
};
// dy (N,K,P',Q'), the forward's input x and its result (y may have been moved out).
ConvBatchNormGrads conv2d_batch_norm_max_pool2d_backward_train(const Tensor& dy, const Tensor& x,
                                                               const ConvBatchNormPool& f,
                                                               const ConvBatchNormMaxPoolResult& saved);

// Inference mode, running statistics: only the pooled output, and the convolution's output is never stored.
Tensor conv2d_batch_norm_max_pool2d_forward_infer(const Tensor& x, const ConvBatchNormPool& f,
                                                  const Tensor& running_mean, const Tensor& running_var);

}  // namespace plateau::ops
