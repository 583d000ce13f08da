#pragma once
// Central finite differences for any kernel. For a function f of several input tensors and a
// fixed, non-zero upstream gradient g, the scalar L = Σ g·f(inputs) is accumulated in double and
// dL/dx_k ≈ (L(x_k + ε) - L(x_k - ε)) / 2ε. Callers keep inputs away from kinks (ReLU at 0, ties
// in max) by more than ε, as ggml's test-backend-ops warns.

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "plateau/core/random.h"
#include "plateau/core/tensor.h"

namespace plateau::testing {

using TensorFn = std::function<Tensor(const std::vector<Tensor>&)>;

inline double weighted_sum(const Tensor& y, const Tensor& g) {
  double s = 0.0;
  for (int64_t i = 0; i < y.numel(); ++i) s += static_cast<double>(y[i]) * g[i];
  return s;
}

// Returns max |numeric - analytic| / max(max |analytic|, 1e-3) over up to max_points entries of
// inputs[which] (all of them when there are fewer; otherwise a seeded sample).
inline double gradient_error(const TensorFn& f, std::vector<Tensor> inputs, const Tensor& upstream, size_t which,
                             const Tensor& analytic, double eps = 1e-2, int64_t max_points = 96) {
  Tensor& x = inputs[which];
  std::vector<int64_t> points;
  if (x.numel() <= max_points) {
    for (int64_t i = 0; i < x.numel(); ++i) points.push_back(i);
  } else {
    Rng rng(12345 + which);
    for (int64_t i = 0; i < max_points; ++i) points.push_back(static_cast<int64_t>(rng.below(x.numel())));
  }
  double diff = 0.0, scale = 1e-3;
  for (int64_t k : points) {
    const float saved = x[k];
    x[k] = static_cast<float>(saved + eps);
    const double up = weighted_sum(f(inputs), upstream);
    x[k] = static_cast<float>(saved - eps);
    const double down = weighted_sum(f(inputs), upstream);
    x[k] = saved;
    const double numeric = (up - down) / (2.0 * eps);
    diff = std::max(diff, std::abs(numeric - analytic[k]));
    scale = std::max(scale, std::abs(static_cast<double>(analytic[k])));
  }
  return diff / scale;
}

}  // namespace plateau::testing
