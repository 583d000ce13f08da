#include "plateau/training/metrics.h"

#include "plateau/core/error.h"

namespace plateau {

void Mean::update(double value, double weight) {
  total_ += value * weight;
  count_ += weight;
}

double Mean::result() const { return count_ > 0.0 ? total_ / count_ : 0.0; }

void Mean::reset() { total_ = count_ = 0.0; }

int64_t argmax_row(const Tensor& t, int64_t row) {
  const int64_t K = t.dim(1);
  int64_t best = 0;
  for (int64_t j = 1; j < K; ++j)
    if (t[row * K + j] > t[row * K + best]) best = j;
  return best;
}

void Accuracy::update(const Tensor& y_pred, const Tensor& y_true) {
  PLATEAU_CHECK(y_pred.shape().rank() == 2, "accuracy: predictions must be (N,K), got shape ", y_pred.shape());
  const int64_t N = y_pred.dim(0);
  if (kind_ == Kind::Sparse) {
    PLATEAU_CHECK(y_true.shape() == Shape({N}), "accuracy: targets have shape ", y_true.shape(), ", expected [", N,
                  "] class indices");
  } else {
    PLATEAU_CHECK(y_true.shape() == y_pred.shape(), "accuracy: targets have shape ", y_true.shape(),
                  ", predictions ", y_pred.shape());
  }
  for (int64_t i = 0; i < N; ++i) {
    const int64_t truth = kind_ == Kind::Sparse ? static_cast<int64_t>(y_true[i]) : argmax_row(y_true, i);
    mean_.update(argmax_row(y_pred, i) == truth ? 1.0 : 0.0);
  }
}

void Accuracy::update(const Tensor& y_pred, const std::vector<int32_t>& labels) {
  PLATEAU_CHECK(y_pred.shape().rank() == 2 && y_pred.dim(0) == static_cast<int64_t>(labels.size()),
                "accuracy: ", labels.size(), " labels for predictions of shape ", y_pred.shape());
  for (size_t i = 0; i < labels.size(); ++i)
    mean_.update(argmax_row(y_pred, static_cast<int64_t>(i)) == labels[i] ? 1.0 : 0.0);
}

}  // namespace plateau
