#pragma once
// Cross-entropy from probabilities, as Keras computes it when from_logits=False and the output is
// not a softmax it can fuse (keras/src/backend/tensorflow/nn.py categorical_crossentropy):
// p' = p / Σ_k p_k, clipped to [1e-7, 1 − 1e-7]; loss = mean over rows of −Σ_k t_k · log p'_k.

#include "plateau/core/tensor.h"

namespace plateau::ops {

constexpr double kProbabilityEpsilon = 1e-7;  // Keras' backend.epsilon()

// probs (N,K), target (N,K) -> scalar
Tensor crossentropy_from_probs_forward(const Tensor& probs, const Tensor& target);
// dp_j = dloss / N · (−t_j·[p'_j unclipped] / p_j + Σ_k t_k·[p'_k unclipped] / S), S = Σ_k p_k
Tensor crossentropy_from_probs_backward(float dloss, const Tensor& probs, const Tensor& target);

}  // namespace plateau::ops
