#pragma once
// Differentiable functions: each pairs a kernel of core/ops with its backward closure.

#include <cstdint>
#include <vector>

#include "plateau/core/autograd/variable.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/random.h"

namespace plateau::fn {

Variable matmul(const Variable& a, const Variable& b);                      // (M,K)·(K,N)
Variable linear(const Variable& x, const Variable& w, const Variable& b,  // x·wᵀ + b; b may be undefined
                ops::ComputeType compute = ops::ComputeType::Float32);
// relu=true fuses max(·, 0) into the convolution (forward and backward).
Variable conv2d(const Variable& x, const Variable& w, const Variable& b, const ops::Conv2dParams& p,
                bool relu = false);
Variable max_pool2d(const Variable& x, const ops::MaxPool2dParams& p);

// Training-mode batch norm; writes the batch mean and biased variance (C) for running statistics.
Variable batch_norm(const Variable& x, const Variable& gamma, const Variable& beta, double eps, Tensor* batch_mean,
                    Tensor* batch_var);
// Inference-mode batch norm with fixed statistics (gradients still flow to x, gamma and beta).
Variable batch_norm_inference(const Variable& x, const Variable& gamma, const Variable& beta,
                              const Tensor& running_mean, const Tensor& running_var, double eps);
// BatchNormalization then 2-D max pooling as one op (core/ops/batch_norm_max_pool2d.h); the pooling windows
// must not overlap. The training form writes the batch statistics as batch_norm does.
Variable batch_norm_max_pool2d(const Variable& x, const Variable& gamma, const Variable& beta, double eps,
                               const ops::MaxPool2dParams& p, Tensor* batch_mean, Tensor* batch_var);
Variable batch_norm_inference_max_pool2d(const Variable& x, const Variable& gamma, const Variable& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps,
                                         const ops::MaxPool2dParams& p);
// A one-channel first Conv2D (ReLU when relu), BatchNormalization and 2-D max pooling as one op
// (core/ops/conv2d_batch_norm_max_pool2d.h; ops::conv2d_batch_norm_max_pool2d_applies says where). x gets no
// gradient. The training form writes the batch statistics as batch_norm does; the inference form records no
// graph, for evaluation under NoGradGuard.
Variable conv2d_batch_norm_max_pool2d(const Variable& x, const Variable& w, const Variable& b,
                                      const ops::Conv2dParams& conv, bool relu, const Variable& gamma,
                                      const Variable& beta, double eps, const ops::MaxPool2dParams& pool,
                                      Tensor* batch_mean, Tensor* batch_var);
Variable conv2d_batch_norm_inference_max_pool2d(const Variable& x, const Variable& w, const Variable& b,
                                                const ops::Conv2dParams& conv, bool relu, const Variable& gamma,
                                                const Variable& beta, const Tensor& running_mean,
                                                const Tensor& running_var, double eps,
                                                const ops::MaxPool2dParams& pool);
Variable dropout(const Variable& x, double rate, Rng& rng);

Variable relu(const Variable& x);
Variable sigmoid(const Variable& x);
Variable tanh(const Variable& x);
Variable softmax(const Variable& x);      // over the last axis
Variable log_softmax(const Variable& x);  // over the last axis

// Scalar losses, mean over the batch.
Variable softmax_cross_entropy(const Variable& logits, const Tensor& target);  // target (N,K) probabilities
Variable sparse_softmax_cross_entropy(const Variable& logits, const std::vector<int32_t>& labels);
// Keras' cross-entropy on probabilities (normalized, clipped to [1e-7, 1-1e-7]); target (N,K).
Variable crossentropy_from_probs(const Variable& probs, const Tensor& target);
Variable mse(const Variable& prediction, const Tensor& target);

Variable add(const Variable& a, const Variable& b);
Variable mul(const Variable& a, const Variable& b);
Variable sum(const Variable& x);   // scalar
Variable mean(const Variable& x);  // scalar
Variable reshape(const Variable& x, const Shape& shape);
Variable flatten(const Variable& x);  // (N, ...) -> (N, rest), channel-major as PyTorch

}  // namespace plateau::fn
