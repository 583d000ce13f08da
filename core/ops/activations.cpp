#include "plateau/core/ops/activations.h"

#include <cmath>

#include "plateau/core/error.h"

namespace plateau::ops {
namespace {

template <typename F>
Tensor map(const Tensor& x, F f) {
  Tensor y = Tensor::uninitialized(x.shape());
  const float* in = x.data();
  float* out = y.data();
  const int64_t n = x.numel();
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  return y;
}

template <typename F>
Tensor map2(const Tensor& dy, const Tensor& y, const char* op, F f) {
  PLATEAU_CHECK(dy.shape() == y.shape(), op, ": dy has shape ", dy.shape(), ", output has ", y.shape());
  Tensor dx = Tensor::uninitialized(y.shape());
  const float* g = dy.data();
  const float* v = y.data();
  float* out = dx.data();
  const int64_t n = y.numel();
#pragma omp parallel for schedule(static) if (n > 65536)
  for (int64_t i = 0; i < n; ++i) out[i] = f(g[i], v[i]);
  return dx;
}

}  // namespace

Tensor relu_forward(const Tensor& x) {
  return map(x, [](float v) { return v > 0.0f ? v : 0.0f; });
}
Tensor relu_backward(const Tensor& dy, const Tensor& y) {
  return map2(dy, y, "relu_backward", [](float g, float v) { return v > 0.0f ? g : 0.0f; });
}
Tensor sigmoid_forward(const Tensor& x) {
  return map(x, [](float v) { return 1.0f / (1.0f + std::exp(-v)); });
}
Tensor sigmoid_backward(const Tensor& dy, const Tensor& y) {
  return map2(dy, y, "sigmoid_backward", [](float g, float v) { return g * v * (1.0f - v); });
}
Tensor tanh_forward(const Tensor& x) {
  return map(x, [](float v) { return std::tanh(v); });
}
Tensor tanh_backward(const Tensor& dy, const Tensor& y) {
  return map2(dy, y, "tanh_backward", [](float g, float v) { return g * (1.0f - v * v); });
}

}  // namespace plateau::ops
