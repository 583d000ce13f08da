#include "plateau/core/ops/elementwise.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"

namespace plateau::ops {

Tensor add_forward(const Tensor& a, const Tensor& b) {
  check_same_shape(a, b, "add");
  Tensor y(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) y[i] = a[i] + b[i];
  return y;
}

Tensor mul_forward(const Tensor& a, const Tensor& b) {
  check_same_shape(a, b, "mul");
  Tensor y(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) y[i] = a[i] * b[i];
  return y;
}

Tensor scale(const Tensor& a, float s) {
  Tensor y(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) y[i] = a[i] * s;
  return y;
}

Tensor sum_forward(const Tensor& x) {
  double s = 0.0;
  for (int64_t i = 0; i < x.numel(); ++i) s += x[i];
  return Tensor(Shape{}, static_cast<float>(s));
}

Tensor mean_forward(const Tensor& x) {
  PLATEAU_CHECK(x.numel() > 0, "mean: input of shape ", x.shape(), " is empty");
  double s = 0.0;
  for (int64_t i = 0; i < x.numel(); ++i) s += x[i];
  return Tensor(Shape{}, static_cast<float>(s / static_cast<double>(x.numel())));
}

Tensor fill_like(const Shape& shape, float value) { return Tensor(shape, value); }

namespace {
// a's element count over the whole batch (batch_split.h): its rows are samples.
int64_t batch_numel(const Tensor& a) {
  if (!batch_split() || a.shape().rank() == 0) return a.numel();
  return a.numel() / a.dim(0) * batch_samples(a.dim(0));
}
}  // namespace

Tensor mse_forward(const Tensor& a, const Tensor& b) {
  check_same_shape(a, b, "mse");
  PLATEAU_CHECK(a.numel() > 0, "mse: inputs of shape ", a.shape(), " are empty");
  std::vector<double> terms(static_cast<size_t>(a.numel()));  // summed over the whole batch in sample order
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    terms[static_cast<size_t>(i)] = d * d;
  }
  const double s = sum_over_batch(std::move(terms));
  return Tensor(Shape{}, static_cast<float>(s / static_cast<double>(batch_numel(a))));
}

Tensor mse_backward(float dloss, const Tensor& a, const Tensor& b) {
  check_same_shape(a, b, "mse_backward");
  const double k = 2.0 * dloss / static_cast<double>(batch_numel(a));
  Tensor da(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) da[i] = static_cast<float>(k * (static_cast<double>(a[i]) - b[i]));
  return da;
}

}  // namespace plateau::ops
