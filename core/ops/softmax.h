#pragma once
// Softmax and log-softmax over the last axis: x (N,K) -> y (N,K), each row on its own.
// Both subtract the row maximum first, so logits of ±1e4 stay finite.

#include "plateau/core/tensor.h"

namespace plateau::ops {

Tensor softmax_forward(const Tensor& x);
Tensor softmax_backward(const Tensor& dy, const Tensor& y);      // dx = y · (dy - Σ dy·y)
Tensor log_softmax_forward(const Tensor& x);
Tensor log_softmax_backward(const Tensor& dy, const Tensor& y);  // dx = dy - e^y · Σ dy

}  // namespace plateau::ops
