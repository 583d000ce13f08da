#pragma once
// Element-wise arithmetic and whole-tensor reductions. Binary ops need equal shapes.

#include "plateau/core/tensor.h"

namespace plateau::ops {

Tensor add_forward(const Tensor& a, const Tensor& b);  // a + b; backward passes dy to both
Tensor mul_forward(const Tensor& a, const Tensor& b);  // a · b; backward: da = dy·b, db = dy·a
Tensor scale(const Tensor& a, float s);                 // s · a

Tensor sum_forward(const Tensor& x);   // scalar Σ x (double accumulation)
Tensor mean_forward(const Tensor& x);  // scalar Σ x / numel
Tensor fill_like(const Shape& shape, float value);  // backward of sum (value = dy) and mean (dy / numel)

// mean((a - b)²) as a scalar; backward: da = dloss · 2(a - b) / numel, db = -da
Tensor mse_forward(const Tensor& a, const Tensor& b);
Tensor mse_backward(float dloss, const Tensor& a, const Tensor& b);

void check_same_shape(const Tensor& a, const Tensor& b, const char* op);

}  // namespace plateau::ops
