#pragma once
// Keras-style metrics: running means over an epoch, accumulated in double.

#include <cstdint>
#include <string>

#include "plateau/core/tensor.h"

namespace plateau {

// Weighted running mean (keras.metrics.Mean): result = Σ w·v / Σ w.
// Keras: keras.metrics.Mean.
// Usage:
//   Mean mean;
//   mean.update(0.5, /*weight=*/2);
//   mean.update(0.2);  // result() is 0.4
class Mean {
 public:
  void update(double value, double weight = 1.0);
  double result() const;  // 0 before any update, as Keras
  void reset();
  double total() const { return total_; }
  double weight() const { return count_; }
  void restore(double total, double weight) { total_ = total, count_ = weight; }  // resume mid-epoch

 private:
  double total_ = 0.0, count_ = 0.0;
};

// Fraction of rows whose argmax matches the target: one-hot (N,K) targets (categorical) or (N)
// class indices (sparse). Ties go to the first maximum, as argmax does.
// Keras: keras.metrics.SparseCategoricalAccuracy / CategoricalAccuracy.
// Usage:
//   Accuracy accuracy(Accuracy::Kind::Sparse);
//   accuracy.update(net(Variable(train.images({0, 1}))).value(), train.labels_at({0, 1}));
//   const double fraction = accuracy.result();
class Accuracy {
 public:
  enum class Kind { Categorical, Sparse };
  explicit Accuracy(Kind kind) : kind_(kind) {}

  void update(const Tensor& y_pred, const Tensor& y_true);
  void update(const Tensor& y_pred, const std::vector<int32_t>& labels);  // class labels, whatever the kind
  double result() const { return mean_.result(); }
  void reset() { mean_.reset(); }
  Mean& mean() { return mean_; }

 private:
  Kind kind_;
  Mean mean_;
};

int64_t argmax_row(const Tensor& t, int64_t row);  // t is (N,K)

}  // namespace plateau
