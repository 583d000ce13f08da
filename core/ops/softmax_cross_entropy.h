#pragma once
// Softmax cross-entropy fused from logits: loss = mean over rows of -Σ_k t_k · log softmax(x)_k.
// Computed through log-sum-exp, never as log(softmax), so logits of ±1e4 give finite losses.

#include <cstdint>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau::ops {

struct SoftmaxCrossEntropyResult {
  Tensor loss;   // scalar (shape [])
  Tensor probs;  // (N,K) softmax of the logits, kept for backward
};

// logits (N,K), target (N,K): one-hot rows or any probability rows
SoftmaxCrossEntropyResult softmax_cross_entropy_forward(const Tensor& logits, const Tensor& target);
// dlogits = dloss · (Σ_k t_k · p - t) / N
Tensor softmax_cross_entropy_backward(float dloss, const Tensor& probs, const Tensor& target);

// logits (N,K), labels (N) with values in [0, K)
SoftmaxCrossEntropyResult sparse_softmax_cross_entropy_forward(const Tensor& logits,
                                                               const std::vector<int32_t>& labels);
// dlogits = dloss · (p - onehot(label)) / N
Tensor sparse_softmax_cross_entropy_backward(float dloss, const Tensor& probs, const std::vector<int32_t>& labels);

}  // namespace plateau::ops
