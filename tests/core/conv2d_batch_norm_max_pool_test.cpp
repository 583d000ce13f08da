// The fused first convolution + batch norm + max pooling (core/ops/conv2d_batch_norm_max_pool2d.h) against
// the ops it replaces, conv2d then batch_norm_max_pool2d: outputs, argmax, statistics and every gradient
// bit for bit, in float32 and bfloat16, with and without ReLU and bias, for channels whose γ is positive,
// negative and zero, and for inference. Skipped where the direct one-channel kernels are not compiled in.
#include <gtest/gtest.h>

#include <cstring>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm_max_pool2d.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "plateau/core/random.h"
#include "tests/support/error_of.h"

namespace plateau {
namespace {

using testing::error_of;

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0;
}

struct Case {
  Shape x;    // (N,1,H,W)
  int64_t K;  // filters
  int64_t R;  // kernel R x R
  ops::MaxPool2dParams pool;
  bool relu, bias;
  ops::ComputeType compute;
};

const Case kCases[] = {
    {{10, 1, 28, 28}, 32, 3, {}, true, true, ops::ComputeType::Float32},  // the seed CNN's, two sample slices
    {{10, 1, 28, 28}, 32, 3, {}, true, true, ops::ComputeType::BFloat16},
    {{3, 1, 13, 20}, 11, 3, {}, false, true, ops::ComputeType::Float32},  // odd planes, leftover filters
    {{4, 1, 14, 15}, 6, 5, {3, 3, 3, 3, 0, 0, 0, 0}, true, false, ops::ComputeType::Float32},
};

bool applies(const Case& c) {
  ops::Conv2dParams conv;
  conv.compute = c.compute;
  return ops::conv2d_batch_norm_max_pool2d_applies(c.x, {c.K, 1, c.R, c.R}, conv, c.pool);
}

TEST(ConvBatchNormMaxPool, EqualsConvThenBatchNormMaxPoolBitForBit) {
  Rng rng(21);
  for (const Case& c : kCases) {
    if (!applies(c)) GTEST_SKIP() << "the direct one-channel kernels are not in this kernel set";
    const Tensor x = uniform_tensor(c.x, 0, 1, rng);
    const Tensor w = uniform_tensor({c.K, 1, c.R, c.R}, -0.5, 0.5, rng);
    const Tensor b = c.bias ? uniform_tensor({c.K}, -0.1, 0.1, rng) : Tensor();
    Tensor gamma = uniform_tensor({c.K}, 0.5, 1.5, rng);
    gamma[1] = -gamma[1];  // the window's largest y at its smallest x
    gamma[2] = 0.0f;       // every y is β: the first position wins
    const Tensor beta = uniform_tensor({c.K}, -0.2, 0.2, rng);
    ops::Conv2dParams conv;
    conv.compute = c.compute;
    const ops::ConvBatchNormPool f{w, b, conv, c.relu, gamma, beta, 1e-3, c.pool};

    const Tensor y = ops::conv2d_forward(x, w, b, conv, c.relu);
    const auto plain = ops::batch_norm_max_pool2d_forward_train(y, gamma, beta, 1e-3, c.pool);
    const auto fused = ops::conv2d_batch_norm_max_pool2d_forward_train(x, f);
    ASSERT_TRUE(same_bits(fused.y, plain.y)) << c.x;
    EXPECT_EQ(fused.argmax, plain.argmax) << c.x;
    EXPECT_TRUE(same_bits(fused.mean, plain.mean) && same_bits(fused.var, plain.var) &&
                same_bits(fused.invstd, plain.invstd))
        << c.x;

    const Tensor dy = uniform_tensor(plain.y.shape(), -1, 1, rng);
    const auto bn = ops::batch_norm_max_pool2d_backward_train(dy, plain.argmax, y, gamma, beta, plain.mean,
                                                              plain.invstd);
    const auto cv = ops::conv2d_backward(bn.dx, x, w, conv, c.bias, /*need_dx=*/false, c.relu ? &y : nullptr);
    const auto g = ops::conv2d_batch_norm_max_pool2d_backward_train(dy, x, f, fused);
    EXPECT_TRUE(same_bits(g.dgamma, bn.dgamma) && same_bits(g.dbeta, bn.dbeta)) << c.x;
    EXPECT_TRUE(same_bits(g.dw, cv.dw)) << c.x;
    EXPECT_TRUE(same_bits(g.db, cv.db)) << c.x;
    EXPECT_EQ(g.db.empty(), !c.bias);

    const Tensor rm = uniform_tensor({c.K}, 0, 0.5, rng), rv = uniform_tensor({c.K}, 0.5, 2, rng);
    const auto infer = ops::batch_norm_max_pool2d_forward_infer(y, gamma, beta, rm, rv, 1e-3, c.pool);
    EXPECT_TRUE(same_bits(ops::conv2d_batch_norm_max_pool2d_forward_infer(x, f, rm, rv), infer.y)) << c.x;
  }
}

TEST(ConvBatchNormMaxPool, AppliesOnlyWhereTheDirectKernelsDo) {
  const ops::Conv2dParams conv;
  if (!ops::conv2d_batch_norm_max_pool2d_applies({2, 1, 28, 28}, {32, 1, 3, 3}, conv, {}))
    GTEST_SKIP() << "the direct one-channel kernels are not in this kernel set";
  EXPECT_FALSE(ops::conv2d_batch_norm_max_pool2d_applies({2, 3, 28, 28}, {32, 3, 3, 3}, conv, {}));  // 3 channels
  EXPECT_FALSE(ops::conv2d_batch_norm_max_pool2d_applies({2, 1, 28, 28}, {32, 1, 4, 4}, conv, {}));  // 4x4
  ops::Conv2dParams padded;
  padded.pad_top = padded.pad_bottom = padded.pad_left = padded.pad_right = 1;
  EXPECT_FALSE(ops::conv2d_batch_norm_max_pool2d_applies({2, 1, 28, 28}, {32, 1, 3, 3}, padded, {}));
  EXPECT_FALSE(ops::conv2d_batch_norm_max_pool2d_applies({2, 1, 28, 28}, {32, 1, 3, 3}, conv,
                                                         {3, 3, 2, 2, 0, 0, 0, 0}));  // overlapping windows
}

TEST(ConvBatchNormMaxPool, BadShapesAreNamed) {
  const Tensor x({2, 1, 12, 12}, 0.5f), w({4, 1, 3, 3}, 0.1f), b({4}, 0.0f), gamma({5}, 1.0f), beta({4}, 0.0f);
  if (!ops::conv2d_batch_norm_max_pool2d_applies(x.shape(), w.shape(), {}, {}))
    GTEST_SKIP() << "the direct one-channel kernels are not in this kernel set";
  const ops::ConvBatchNormPool f{w, b, {}, true, gamma, beta, 1e-3, {}};
  EXPECT_NE(error_of([&] { ops::conv2d_batch_norm_max_pool2d_forward_train(x, f); }).find("gamma has shape [5]"),
            std::string::npos);
  const Tensor three({2, 3, 12, 12}, 0.5f);
  const ops::ConvBatchNormPool ok{w, b, {}, true, beta, beta, 1e-3, {}};
  EXPECT_NE(error_of([&] { ops::conv2d_batch_norm_max_pool2d_forward_train(three, ok); }).find("channels"),
            std::string::npos);
  const auto r = ops::conv2d_batch_norm_max_pool2d_forward_train(x, ok);
  EXPECT_NE(error_of([&] { ops::conv2d_batch_norm_max_pool2d_backward_train(Tensor({2, 4, 4, 4}), x, ok, r); })
                .find("dy has shape [2,4,4,4], expected [2,4,5,5]"),
            std::string::npos);
}

}  // namespace
}  // namespace plateau
