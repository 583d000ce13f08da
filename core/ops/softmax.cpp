#include "plateau/core/ops/softmax.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"

namespace plateau::ops {
namespace {

struct Rows {
  int64_t n, k;
};

Rows rows_of(const Tensor& x, const char* op) {
  PLATEAU_CHECK(x.shape().rank() >= 1 && x.numel() > 0, op, ": input must have a last axis, got shape ", x.shape());
  const int64_t k = x.dim(-1);
  return {x.numel() / k, k};
}

// log Σ exp(row), computed as max + log Σ exp(row - max)
double log_sum_exp(const float* row, int64_t k) {
  const float m = *std::max_element(row, row + k);
  double s = 0.0;
  for (int64_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(row[j]) - m);
  return m + std::log(s);
}

}  // namespace

Tensor softmax_forward(const Tensor& x) {
  const Rows r = rows_of(x, "softmax");
  Tensor y(x.shape());
  for (int64_t i = 0; i < r.n; ++i) {
    const float* in = x.data() + i * r.k;
    const double lse = log_sum_exp(in, r.k);
    for (int64_t j = 0; j < r.k; ++j) y[i * r.k + j] = static_cast<float>(std::exp(in[j] - lse));
  }
  return y;
}

Tensor softmax_backward(const Tensor& dy, const Tensor& y) {
  PLATEAU_CHECK(dy.shape() == y.shape(), "softmax_backward: dy has shape ", dy.shape(), ", output has ", y.shape());
  const Rows r = rows_of(y, "softmax_backward");
  Tensor dx(y.shape());
  for (int64_t i = 0; i < r.n; ++i) {
    double dot = 0.0;
    for (int64_t j = 0; j < r.k; ++j) dot += static_cast<double>(dy[i * r.k + j]) * y[i * r.k + j];
    for (int64_t j = 0; j < r.k; ++j) dx[i * r.k + j] = static_cast<float>(y[i * r.k + j] * (dy[i * r.k + j] - dot));
  }
  return dx;
}

Tensor log_softmax_forward(const Tensor& x) {
  const Rows r = rows_of(x, "log_softmax");
  Tensor y(x.shape());
  for (int64_t i = 0; i < r.n; ++i) {
    const float* in = x.data() + i * r.k;
    const double lse = log_sum_exp(in, r.k);
    for (int64_t j = 0; j < r.k; ++j) y[i * r.k + j] = static_cast<float>(in[j] - lse);
  }
  return y;
}

Tensor log_softmax_backward(const Tensor& dy, const Tensor& y) {
  PLATEAU_CHECK(dy.shape() == y.shape(), "log_softmax_backward: dy has shape ", dy.shape(), ", output has ",
                y.shape());
  const Rows r = rows_of(y, "log_softmax_backward");
  Tensor dx(y.shape());
  for (int64_t i = 0; i < r.n; ++i) {
    double sum = 0.0;
    for (int64_t j = 0; j < r.k; ++j) sum += dy[i * r.k + j];
    for (int64_t j = 0; j < r.k; ++j)
      dx[i * r.k + j] = static_cast<float>(dy[i * r.k + j] - std::exp(static_cast<double>(y[i * r.k + j])) * sum);
  }
  return dx;
}

}  // namespace plateau::ops
