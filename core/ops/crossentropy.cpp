#include "plateau/core/ops/crossentropy.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"

namespace plateau::ops {
namespace {

void check(const Tensor& probs, const Tensor& target, const char* op) {
  PLATEAU_CHECK(probs.shape().rank() == 2 && probs.dim(0) > 0, op, ": probabilities must be (N,K), got shape ",
                probs.shape());
  PLATEAU_CHECK(target.shape() == probs.shape(), op, ": target has shape ", target.shape(), ", probabilities have ",
                probs.shape());
}

double row_sum(const Tensor& t, int64_t row, int64_t K) {
  double s = 0.0;
  for (int64_t j = 0; j < K; ++j) s += t[row * K + j];
  return s;
}

bool unclipped(double p) { return p > kProbabilityEpsilon && p < 1.0 - kProbabilityEpsilon; }

}  // namespace

Tensor crossentropy_from_probs_forward(const Tensor& probs, const Tensor& target) {
  check(probs, target, "crossentropy");
  const int64_t N = probs.dim(0), K = probs.dim(1);
  std::vector<double> terms(static_cast<size_t>(N * K));  // summed over the whole batch in sample order
  for (int64_t i = 0; i < N; ++i) {
    const double S = row_sum(probs, i, K);
    for (int64_t j = 0; j < K; ++j) {
      const double p = std::clamp(probs[i * K + j] / S, kProbabilityEpsilon, 1.0 - kProbabilityEpsilon);
      terms[static_cast<size_t>(i * K + j)] = -(target[i * K + j] * std::log(p));
    }
  }
  const double total = sum_over_batch(std::move(terms));
  return Tensor(Shape{}, static_cast<float>(total / static_cast<double>(batch_samples(N))));
}

Tensor crossentropy_from_probs_backward(float dloss, const Tensor& probs, const Tensor& target) {
  check(probs, target, "crossentropy_backward");
  const int64_t N = probs.dim(0), K = probs.dim(1);
  const double scale = static_cast<double>(dloss) / static_cast<double>(batch_samples(N));
  Tensor dp(probs.shape());
  for (int64_t i = 0; i < N; ++i) {
    const double S = row_sum(probs, i, K);
    double live_mass = 0.0;  // Σ t_k over unclipped k
    for (int64_t j = 0; j < K; ++j)
      if (unclipped(probs[i * K + j] / S)) live_mass += target[i * K + j];
    for (int64_t j = 0; j < K; ++j) {
      const double p = probs[i * K + j];
      const double own = unclipped(p / S) ? -target[i * K + j] / p : 0.0;
      dp[i * K + j] = static_cast<float>(scale * (own + live_mass / S));
    }
  }
  return dp;
}

}  // namespace plateau::ops
