#include "plateau/core/ops/softmax_cross_entropy.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"

namespace plateau::ops {
namespace {

void check_logits(const Tensor& logits, const char* op) {
  PLATEAU_CHECK(logits.shape().rank() == 2 && logits.dim(0) > 0 && logits.dim(1) > 0, op,
                ": logits must be (N,K) with N, K > 0, got shape ", logits.shape());
}

void check_labels(const Tensor& logits, const std::vector<int32_t>& labels, const char* op) {
  PLATEAU_CHECK(static_cast<int64_t>(labels.size()) == logits.dim(0), op, ": ", labels.size(),
                " labels for logits of shape ", logits.shape());
  for (size_t i = 0; i < labels.size(); ++i)
    PLATEAU_CHECK(labels[i] >= 0 && labels[i] < logits.dim(1), op, ": label ", labels[i], " at row ", i,
                  " is outside [0, ", logits.dim(1), ")");
}

// Fills probs with softmax(logits) and returns each row's log-sum-exp.
std::vector<double> softmax_rows(const Tensor& logits, Tensor& probs) {
  const int64_t N = logits.dim(0), K = logits.dim(1);
  std::vector<double> lse(static_cast<size_t>(N));
  for (int64_t i = 0; i < N; ++i) {
    const float* row = logits.data() + i * K;
    const float m = *std::max_element(row, row + K);
    double s = 0.0;
    for (int64_t j = 0; j < K; ++j) s += std::exp(static_cast<double>(row[j]) - m);
    lse[i] = m + std::log(s);
    for (int64_t j = 0; j < K; ++j) probs[i * K + j] = static_cast<float>(std::exp(row[j] - lse[i]));
  }
  return lse;
}

Tensor scalar(double v) { return Tensor(Shape{}, static_cast<float>(v)); }

}  // namespace

SoftmaxCrossEntropyResult softmax_cross_entropy_forward(const Tensor& logits, const Tensor& target) {
  check_logits(logits, "softmax_cross_entropy");
  PLATEAU_CHECK(target.shape() == logits.shape(), "softmax_cross_entropy: target has shape ", target.shape(),
                ", logits have ", logits.shape());
  const int64_t N = logits.dim(0), K = logits.dim(1);
  Tensor probs(logits.shape());
  const std::vector<double> lse = softmax_rows(logits, probs);
  std::vector<double> terms;  // summed over the whole batch in sample order (batch_split.h)
  for (int64_t i = 0; i < N; ++i)
    for (int64_t j = 0; j < K; ++j)
      if (target[i * K + j] != 0.0f) terms.push_back(-(target[i * K + j] * (logits[i * K + j] - lse[i])));
  const double total = sum_over_batch(std::move(terms));
  return {scalar(total / static_cast<double>(batch_samples(N))), std::move(probs)};
}

Tensor softmax_cross_entropy_backward(float dloss, const Tensor& probs, const Tensor& target) {
  PLATEAU_CHECK(target.shape() == probs.shape(), "softmax_cross_entropy_backward: target has shape ", target.shape(),
                ", probs have ", probs.shape());
  const int64_t N = probs.dim(0), K = probs.dim(1);
  const double scale = static_cast<double>(dloss) / static_cast<double>(batch_samples(N));
  Tensor dx(probs.shape());
  for (int64_t i = 0; i < N; ++i) {
    double mass = 0.0;
    for (int64_t j = 0; j < K; ++j) mass += target[i * K + j];
    for (int64_t j = 0; j < K; ++j)
      dx[i * K + j] = static_cast<float>(scale * (mass * probs[i * K + j] - target[i * K + j]));
  }
  return dx;
}

SoftmaxCrossEntropyResult sparse_softmax_cross_entropy_forward(const Tensor& logits,
                                                               const std::vector<int32_t>& labels) {
  check_logits(logits, "sparse_softmax_cross_entropy");
  check_labels(logits, labels, "sparse_softmax_cross_entropy");
  const int64_t N = logits.dim(0), K = logits.dim(1);
  Tensor probs(logits.shape());
  const std::vector<double> lse = softmax_rows(logits, probs);
  std::vector<double> terms(static_cast<size_t>(N));  // summed over the whole batch in sample order
  for (int64_t i = 0; i < N; ++i) terms[static_cast<size_t>(i)] = -(logits[i * K + labels[i]] - lse[i]);
  const double total = sum_over_batch(std::move(terms));
  return {scalar(total / static_cast<double>(batch_samples(N))), std::move(probs)};
}

Tensor sparse_softmax_cross_entropy_backward(float dloss, const Tensor& probs, const std::vector<int32_t>& labels) {
  check_labels(probs, labels, "sparse_softmax_cross_entropy_backward");
  const int64_t N = probs.dim(0), K = probs.dim(1);
  const float scale = static_cast<float>(static_cast<double>(dloss) / static_cast<double>(batch_samples(N)));
  Tensor dx(probs.shape());
  for (int64_t i = 0; i < N; ++i)
    for (int64_t j = 0; j < K; ++j)
      dx[i * K + j] = scale * (probs[i * K + j] - (j == labels[i] ? 1.0f : 0.0f));
  return dx;
}

}  // namespace plateau::ops
