// Bad input gets a plateau::Error naming the values.
#include <gtest/gtest.h>

#include "plateau/core/error.h"
#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/dropout.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/ops/softmax_cross_entropy.h"

namespace plateau {
namespace {

// Runs f, expects a plateau::Error whose message contains every one of `parts`.
template <typename F>
void expect_error(F f, std::initializer_list<const char*> parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    for (const char* part : parts) EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(OpsErrors, ConvChannelMismatchNamesBoth) {
  expect_error([] { ops::conv2d_forward(Tensor({128, 3, 28, 28}), Tensor({32, 1, 3, 3}), Tensor(), {}); },
               {"conv2d: input has 3 channels, weight expects 1", "[128,3,28,28]"});
}

TEST(OpsErrors, ConvKernelLargerThanPaddedInput) {
  expect_error([] { ops::conv2d_forward(Tensor({1, 1, 4, 4}), Tensor({1, 1, 5, 5}), Tensor(), {}); },
               {"kernel 5x5", "padded input 4x4"});
  ops::Conv2dParams pad{1, 1, 1, 1, 1, 1};
  EXPECT_NO_THROW(ops::conv2d_forward(Tensor({1, 1, 4, 4}), Tensor({1, 1, 5, 5}), Tensor(), pad));
}

TEST(OpsErrors, ConvNegativeStrideAndPadding) {
  ops::Conv2dParams bad_stride{-1, 1};
  expect_error([&] { ops::conv2d_forward(Tensor({1, 1, 4, 4}), Tensor({1, 1, 3, 3}), Tensor(), bad_stride); },
               {"stride must be positive", "(-1,1)"});
  ops::Conv2dParams bad_pad{1, 1, -2};
  expect_error([&] { ops::conv2d_forward(Tensor({1, 1, 4, 4}), Tensor({1, 1, 3, 3}), Tensor(), bad_pad); },
               {"padding must be non-negative", "top -2"});
}

TEST(OpsErrors, ConvWrongRankBiasAndGradient) {
  expect_error([] { ops::conv2d_forward(Tensor({3, 28, 28}), Tensor({1, 3, 3, 3}), Tensor(), {}); },
               {"must be 4-D", "[3,28,28]"});
  expect_error([] { ops::conv2d_forward(Tensor({1, 1, 5, 5}), Tensor({2, 1, 3, 3}), Tensor({3}), {}); },
               {"bias has shape [3]", "expected [2]"});
  expect_error(
      [] { ops::conv2d_backward(Tensor({1, 2, 2, 2}), Tensor({1, 1, 5, 5}), Tensor({2, 1, 3, 3}), {}, false); },
      {"dy has shape [1,2,2,2]", "expected [1,2,3,3]"});
}

TEST(OpsErrors, LinearAndMatmulShapes) {
  expect_error([] { ops::linear_forward(Tensor({4, 5}), Tensor({3, 6}), Tensor()); },
               {"input has 5 features, weight expects 6"});
  expect_error([] { ops::linear_forward(Tensor({4, 2, 5}), Tensor({3, 5}), Tensor()); },
               {"input must be 2-D", "[4,2,5]"});
  expect_error([] { ops::matmul_forward(Tensor({2, 3}), Tensor({4, 5})); }, {"[2,3]", "[4,5]", "do not chain"});
}

TEST(OpsErrors, PoolLargerThanInputAndBadPadding) {
  expect_error([] { ops::max_pool2d_forward(Tensor({1, 1, 2, 2}), {3, 3, 3, 3}); },
               {"pool 3x3 is larger than the padded input 2x2"});
  expect_error([] { ops::max_pool2d_forward(Tensor({1, 1, 8, 8}), {2, 2, 2, 2, 2, 0, 0, 0}); },
               {"smaller than the pool 2x2", "top 2"});
  expect_error([] { ops::max_pool2d_forward(Tensor({1, 1, 8, 8}), {2, 2, 0, 2}); }, {"stride must be positive"});
}

TEST(OpsErrors, BatchNormShapes) {
  expect_error([] { ops::batch_norm_forward_train(Tensor({2, 3, 4}), Tensor(), Tensor(), 1e-3); },
               {"(N,C) or (N,C,H,W)", "[2,3,4]"});
  expect_error([] { ops::batch_norm_forward_train(Tensor({2, 3, 4, 4}), Tensor({4}), Tensor(), 1e-3); },
               {"gamma/beta have shape [4]", "expected [3]"});
}

TEST(OpsErrors, ElementwiseLossesAndDropout) {
  expect_error([] { ops::add_forward(Tensor({2, 3}), Tensor({3, 2})); }, {"add: shapes [2,3] and [3,2] differ"});
  expect_error([] { ops::mul_forward(Tensor({2}), Tensor({3})); }, {"mul: shapes [2] and [3] differ"});
  expect_error([] { ops::mse_forward(Tensor({2}), Tensor({3})); }, {"mse"});
  expect_error([] { ops::relu_backward(Tensor({2}), Tensor({3})); }, {"dy has shape [2]"});
  expect_error([] { ops::sparse_softmax_cross_entropy_forward(Tensor({2, 3}), {0, 3}); },
               {"label 3 at row 1 is outside [0, 3)"});
  expect_error([] { ops::sparse_softmax_cross_entropy_forward(Tensor({2, 3}), {0}); }, {"1 labels", "[2,3]"});
  expect_error([] { ops::softmax_cross_entropy_forward(Tensor({2, 3}), Tensor({2, 4})); }, {"target has shape [2,4]"});
  Rng rng(0);
  expect_error([&] { ops::dropout_forward(Tensor({2}), 1.0, rng); }, {"rate must be in [0, 1), got 1"});
}

TEST(OpsErrors, ReshapeToADifferentCount) {
  expect_error([] { Tensor({2, 3}).reshaped({4, 2}); }, {"cannot reshape [2,3] (6 elements) to [4,2] (8 elements)"});
}

}  // namespace
}  // namespace plateau
