#pragma once
// Element-wise activations. Each backward takes the forward's output y, which is all it needs.

#include "plateau/core/tensor.h"

namespace plateau::ops {

Tensor relu_forward(const Tensor& x);                       // max(x, 0)
Tensor relu_backward(const Tensor& dy, const Tensor& y);    // dy · [y > 0]
Tensor sigmoid_forward(const Tensor& x);                    // 1 / (1 + e^-x)
Tensor sigmoid_backward(const Tensor& dy, const Tensor& y); // dy · y · (1 - y)
Tensor tanh_forward(const Tensor& x);
Tensor tanh_backward(const Tensor& dy, const Tensor& y);    // dy · (1 - y²)

}  // namespace plateau::ops
