#pragma once
// Inverted dropout: each value is kept with probability 1 - rate and scaled by 1 / (1 - rate), so
// inference needs no rescaling. The mask comes from the caller's seeded Rng.

#include "plateau/core/random.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

struct DropoutResult {
  Tensor y;     // x's shape
  Tensor mask;  // x's shape: 0 or 1 / (1 - rate)
};
// x (any shape), rate in [0, 1)
DropoutResult dropout_forward(const Tensor& x, double rate, Rng& rng);
Tensor dropout_backward(const Tensor& dy, const Tensor& mask);

}  // namespace plateau::ops
