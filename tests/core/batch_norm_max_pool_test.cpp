// The fused BatchNormalization + MaxPooling2D op against the two ops it replaces and against finite
// differences; the vectorized 2x2 pooling against a plain reference, including its tie and NaN rules; batch
// norm's small planes, summed 8 at a time, against the same planes summed one by one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/batch_norm_max_pool2d.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/random.h"
#include "tests/support/error_of.h"
#include "tests/support/gradient_check.h"

namespace plateau {
namespace {

using testing::error_of;
using testing::gradient_error;

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0;
}

double max_relative_difference(const Tensor& a, const Tensor& b) {
  double diff = 0, scale = 1e-6;
  for (int64_t i = 0; i < a.numel(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - b[i]));
    scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  }
  return diff / scale;
}

// Disjoint windows: the CNN's 2x2/2 (even and odd planes), 3x3/3, and Keras "same" 2x2/2 on an odd plane.
struct Case {
  Shape x;
  ops::MaxPool2dParams pool;
};
const Case kCases[] = {{{8, 4, 26, 26}, {}},
                       {{8, 6, 11, 11}, {}},
                       {{3, 2, 9, 12}, {3, 3, 3, 3, 0, 0, 0, 0}},
                       {{3, 2, 7, 7}, {2, 2, 2, 2, 0, 1, 0, 1}}};

TEST(BatchNormMaxPool, ForwardEqualsBatchNormThenPoolBitForBit) {
  Rng rng(1);
  for (const Case& c : kCases) {
    const Tensor x = uniform_tensor(c.x, -2, 2, rng);
    Tensor gamma = uniform_tensor({c.x[1]}, 0.5, 1.5, rng);
    gamma[0] = -gamma[0];  // a negative scale turns the order around: the pooled maxima differ
    const Tensor beta = uniform_tensor({c.x[1]}, -1, 1, rng);
    const auto bn = ops::batch_norm_forward_train(x, gamma, beta, 1e-3);
    const auto pooled = ops::max_pool2d_forward(bn.y, c.pool);
    const auto fused = ops::batch_norm_max_pool2d_forward_train(x, gamma, beta, 1e-3, c.pool);
    EXPECT_TRUE(same_bits(fused.y, pooled.y)) << c.x;
    EXPECT_EQ(fused.argmax, pooled.argmax) << c.x;
    EXPECT_TRUE(same_bits(fused.mean, bn.mean) && same_bits(fused.var, bn.var) && same_bits(fused.invstd, bn.invstd));

    const Tensor rm = uniform_tensor({c.x[1]}, -1, 1, rng), rv = uniform_tensor({c.x[1]}, 0.5, 2, rng);
    const auto infer = ops::max_pool2d_forward(ops::batch_norm_forward_infer(x, gamma, beta, rm, rv, 1e-3), c.pool);
    const auto fused_infer = ops::batch_norm_max_pool2d_forward_infer(x, gamma, beta, rm, rv, 1e-3, c.pool);
    EXPECT_TRUE(same_bits(fused_infer.y, infer.y)) << c.x;
    EXPECT_EQ(fused_infer.argmax, infer.argmax) << c.x;
  }
}

TEST(BatchNormMaxPool, BackwardEqualsPoolThenBatchNormBackward) {
  Rng rng(2);
  for (const Case& c : kCases) {
    const Tensor x = uniform_tensor(c.x, -2, 2, rng);
    const Tensor gamma = uniform_tensor({c.x[1]}, 0.5, 1.5, rng), beta = uniform_tensor({c.x[1]}, -1, 1, rng);
    const auto fused = ops::batch_norm_max_pool2d_forward_train(x, gamma, beta, 1e-3, c.pool);
    const Tensor dy = uniform_tensor(fused.y.shape(), -1, 1, rng);
    const auto g = ops::batch_norm_max_pool2d_backward_train(dy, fused.argmax, x, gamma, beta, fused.mean, fused.invstd);
    const Tensor dy_full = ops::max_pool2d_backward(dy, fused.argmax, x.shape());
    const auto want = ops::batch_norm_backward_train(dy_full, x, gamma, beta, fused.mean, fused.invstd);
    // the same formula; only the order of the sums differs
    EXPECT_LE(max_relative_difference(g.dx, want.dx), 1e-5) << c.x;
    EXPECT_LE(max_relative_difference(g.dgamma, want.dgamma), 1e-5) << c.x;
    EXPECT_LE(max_relative_difference(g.dbeta, want.dbeta), 1e-5) << c.x;

    const Tensor rm = uniform_tensor({c.x[1]}, -1, 1, rng), rv = uniform_tensor({c.x[1]}, 0.5, 2, rng);
    const auto fi = ops::batch_norm_max_pool2d_forward_infer(x, gamma, beta, rm, rv, 1e-3, c.pool);
    const auto gi = ops::batch_norm_max_pool2d_backward_infer(dy, fi.argmax, x, gamma, beta, rm, rv, 1e-3);
    const auto wi = ops::batch_norm_backward_infer(ops::max_pool2d_backward(dy, fi.argmax, x.shape()), x, gamma, beta,
                                                   rm, rv, 1e-3);
    EXPECT_LE(max_relative_difference(gi.dx, wi.dx), 1e-5) << c.x;
    EXPECT_LE(max_relative_difference(gi.dgamma, wi.dgamma), 1e-5) << c.x;
    EXPECT_LE(max_relative_difference(gi.dbeta, wi.dbeta), 1e-5) << c.x;
  }
}

TEST(BatchNormMaxPool, GradientsMatchFiniteDifferences) {
  Rng rng(3);
  // distinct values 0.05 apart: no step of ±0.001 changes a window's maximum
  Tensor x(Shape{2, 3, 6, 7});
  for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(i) * 0.05f - 6.0f;
  for (int64_t i = x.numel() - 1; i > 0; --i) std::swap(x[i], x[static_cast<int64_t>(rng.below(i + 1))]);
  Tensor gamma = uniform_tensor({3}, 0.5, 1.5, rng);
  gamma[1] = -gamma[1];
  const Tensor beta = uniform_tensor({3}, -1, 1, rng);
  const ops::MaxPool2dParams pool{};
  const auto r = ops::batch_norm_max_pool2d_forward_train(x, gamma, beta, 1e-3, pool);
  const Tensor dy = uniform_tensor(r.y.shape(), -1, 1, rng);
  const auto g = ops::batch_norm_max_pool2d_backward_train(dy, r.argmax, x, gamma, beta, r.mean, r.invstd);
  auto f = [&](const std::vector<Tensor>& in) {
    return ops::batch_norm_max_pool2d_forward_train(in[0], in[1], in[2], 1e-3, pool).y;
  };
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 0, g.dx, 1e-3), 2e-3);
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 1, g.dgamma, 1e-3), 2e-3);
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 2, g.dbeta, 1e-3), 2e-3);
}

TEST(BatchNormMaxPool, OverlappingWindowsAreRefused) {
  const Tensor x(Shape{1, 1, 5, 5});
  const std::string e =
      error_of([&] { ops::batch_norm_max_pool2d_forward_train(x, {}, {}, 1e-3, {3, 3, 2, 2, 0, 0, 0, 0}); });
  EXPECT_NE(e.find("pooling windows overlap (pool 3x3, stride 2x2)"), std::string::npos) << e;
}

// The pooling rule written out plainly: a value replaces the best when greater or NaN.
ops::MaxPool2dResult reference_pool2x2(const Tensor& x) {
  const int64_t planes = x.dim(0) * x.dim(1), H = x.dim(2), W = x.dim(3), P = H / 2, Q = W / 2;
  ops::MaxPool2dResult r{Tensor(Shape{x.dim(0), x.dim(1), P, Q}), ops::Argmax(planes * P * Q)};
  for (int64_t n = 0; n < planes; ++n)
    for (int64_t i = 0; i < P; ++i)
      for (int64_t j = 0; j < Q; ++j) {
        int64_t at = (2 * i) * W + 2 * j;
        for (int64_t a = 0; a < 2; ++a)
          for (int64_t b = 0; b < 2; ++b) {
            const float v = x[n * H * W + (2 * i + a) * W + 2 * j + b], best = x[n * H * W + at];
            if (v > best || std::isnan(v)) at = (2 * i + a) * W + 2 * j + b;
          }
        r.y[(n * P + i) * Q + j] = x[n * H * W + at];
        r.argmax[(n * P + i) * Q + j] = static_cast<int32_t>(at);
      }
  return r;
}

// Planes of fewer than 16 values are summed 8 at a time, one per vector lane (batch_norm_stats.h), the
// planes left over one by one. With N = 3 and C = 9, channel 0's planes (0, 9, 18) all go 8 at a time and
// channel 8's last plane (26) goes alone: given the same values, gamma and beta, the two channels must
// agree bit for bit, forward (statistics and y) and backward (dx, dgamma, dbeta).
TEST(BatchNorm, SmallPlanesSumAsOneByOne) {
  for (const auto& [h, w] : {std::pair<int64_t, int64_t>{3, 3}, {2, 2}, {3, 5}}) {
    SCOPED_TRACE(::testing::Message() << h << "x" << w);
    const int64_t N = 3, C = 9, inner = h * w;
    Rng rng(21);
    Tensor x = uniform_tensor({N, C, h, w}, -2, 2, rng), dy = uniform_tensor({N, C, h, w}, -1, 1, rng);
    Tensor gamma = uniform_tensor({C}, 0.5, 1.5, rng), beta = uniform_tensor({C}, -1, 1, rng);
    for (int64_t n = 0; n < N; ++n)  // channel 8 := channel 0
      for (int64_t k = 0; k < inner; ++k) {
        x[(n * C + 8) * inner + k] = x[n * C * inner + k];
        dy[(n * C + 8) * inner + k] = dy[n * C * inner + k];
      }
    gamma[8] = gamma[0];
    beta[8] = beta[0];
    const auto r = ops::batch_norm_forward_train(x, gamma, beta, 1e-3);
    EXPECT_EQ(r.mean[0], r.mean[8]);
    EXPECT_EQ(r.var[0], r.var[8]);
    EXPECT_EQ(r.invstd[0], r.invstd[8]);
    const auto g = ops::batch_norm_backward_train(dy, x, gamma, beta, r.mean, r.invstd);
    EXPECT_EQ(g.dgamma[0], g.dgamma[8]);
    EXPECT_EQ(g.dbeta[0], g.dbeta[8]);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < inner; ++k) {
        EXPECT_EQ(r.y[n * C * inner + k], r.y[(n * C + 8) * inner + k]) << "y, sample " << n << " value " << k;
        EXPECT_EQ(g.dx[n * C * inner + k], g.dx[(n * C + 8) * inner + k]) << "dx, sample " << n << " value " << k;
      }
  }
}

TEST(MaxPool2d, VectorizedPathMatchesThePlainRuleWithTiesAndNaN) {
  Rng rng(4);
  for (int64_t W : {2, 5, 10, 11, 16, 17, 26, 33, 40}) {
    // few distinct values, so windows hold ties; some NaN
    Tensor x(Shape{2, 3, 6, W});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(rng.below(4));
    for (int64_t k = 0; k < 6; ++k) x[static_cast<int64_t>(rng.below(x.numel()))] = std::numeric_limits<float>::quiet_NaN();
    const auto got = ops::max_pool2d_forward(x, {});
    const auto want = reference_pool2x2(x);
    EXPECT_EQ(got.argmax, want.argmax) << "width " << W;
    for (int64_t i = 0; i < got.y.numel(); ++i)
      EXPECT_TRUE(got.y[i] == want.y[i] || (std::isnan(got.y[i]) && std::isnan(want.y[i]))) << "width " << W;
  }
}

TEST(MaxPool2d, FirstMaximumWinsAndNaNPropagates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // windows: a tie (first wins), a NaN after the maximum, two NaN (the last is taken), NaN then larger values
  const Tensor x({1, 1, 2, 8}, {3, 1, 1, 2, nan, 1, nan, 5,  //
                                3, 2, 9, nan, 1, nan, 7, 8});
  const auto r = ops::max_pool2d_forward(x, {});
  EXPECT_EQ(r.y[0], 3.0f);
  EXPECT_EQ(r.argmax[0], 0);
  EXPECT_TRUE(std::isnan(r.y[1]));
  EXPECT_EQ(r.argmax[1], 11);
  EXPECT_TRUE(std::isnan(r.y[2]));
  EXPECT_EQ(r.argmax[2], 13);
  EXPECT_TRUE(std::isnan(r.y[3]));
  EXPECT_EQ(r.argmax[3], 6);
}

}  // namespace
}  // namespace plateau
