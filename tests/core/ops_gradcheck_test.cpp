// Every kernel's backward against central finite differences, with a random non-zero upstream
// gradient. Inputs are kept away from kinks (ReLU at 0, ties in max-pool windows).
#include <gtest/gtest.h>

#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/dropout.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/ops/softmax.h"
#include "plateau/core/ops/softmax_cross_entropy.h"
#include "plateau/core/random.h"
#include "tests/support/gradient_check.h"

namespace plateau {
namespace {

using testing::gradient_error;
constexpr double kTol = 2e-3;

// Values in [-1,1] with |v| >= 0.1, so a ±0.01 step never crosses ReLU's kink.
Tensor away_from_zero(const Shape& shape, Rng& rng) {
  Tensor t = uniform_tensor(shape, 0.1, 1.0, rng);
  for (int64_t i = 0; i < t.numel(); ++i)
    if (rng.uniform() < 0.5) t[i] = -t[i];
  return t;
}

TEST(GradCheck, Matmul) {
  Rng rng(1);
  const Tensor a = uniform_tensor({4, 6}, -1, 1, rng), b = uniform_tensor({6, 3}, -1, 1, rng);
  const Tensor dy = uniform_tensor({4, 3}, -1, 1, rng);
  const auto g = ops::matmul_backward(dy, a, b);
  auto f = [](const std::vector<Tensor>& in) { return ops::matmul_forward(in[0], in[1]); };
  EXPECT_LE(gradient_error(f, {a, b}, dy, 0, g.da), kTol);
  EXPECT_LE(gradient_error(f, {a, b}, dy, 1, g.db), kTol);
}

TEST(GradCheck, Linear) {
  Rng rng(2);
  const Tensor x = uniform_tensor({35, 5}, -1, 1, rng), w = uniform_tensor({3, 5}, -1, 1, rng);
  const Tensor b = uniform_tensor({3}, -1, 1, rng), dy = uniform_tensor({35, 3}, -1, 1, rng);
  const auto g = ops::linear_backward(dy, x, w, true);
  auto f = [](const std::vector<Tensor>& in) { return ops::linear_forward(in[0], in[1], in[2]); };
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 0, g.dx), kTol);
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 1, g.dw), kTol);
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 2, g.db), kTol);
}

struct ConvCase {
  const char* name;
  Shape x, w;
  ops::Conv2dParams p;
};
class ConvGradCheck : public ::testing::TestWithParam<ConvCase> {};
TEST_P(ConvGradCheck, AllInputs) {
  const ConvCase c = GetParam();
  Rng rng(3);
  const Tensor x = uniform_tensor(c.x, -1, 1, rng), w = uniform_tensor(c.w, -1, 1, rng);
  const Tensor b = uniform_tensor({c.w[0]}, -1, 1, rng);
  const Tensor y = ops::conv2d_forward(x, w, b, c.p);
  const Tensor dy = uniform_tensor(y.shape(), -1, 1, rng);
  const auto g = ops::conv2d_backward(dy, x, w, c.p, true);
  auto f = [&](const std::vector<Tensor>& in) { return ops::conv2d_forward(in[0], in[1], in[2], c.p); };
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 0, g.dx), kTol);
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 1, g.dw), kTol);
  EXPECT_LE(gradient_error(f, {x, w, b}, dy, 2, g.db), kTol);
}
INSTANTIATE_TEST_SUITE_P(Cases, ConvGradCheck,
                         ::testing::Values(ConvCase{"basic", {2, 1, 6, 6}, {3, 1, 3, 3}, {}},
                                           ConvCase{"stride2_pad1", {2, 3, 7, 7}, {4, 3, 3, 3}, {2, 2, 1, 1, 1, 1}},
                                           ConvCase{"odd_asymmetric", {1, 2, 5, 8}, {2, 2, 2, 3}, {1, 2, 0, 1, 1, 0}},
                                           ConvCase{"batch10_even", {10, 2, 4, 4}, {3, 2, 2, 2}, {1, 1, 0, 1, 0, 1}},
                                           // valid, stride 1, at most 16 wide: the block copies of conv2/conv3
                                           ConvCase{"narrow_valid", {3, 4, 7, 9}, {5, 4, 3, 3}, {}},
                                           ConvCase{"narrow_valid_5x5_w16", {2, 2, 9, 16}, {3, 2, 5, 5}, {}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GradCheck, MaxPool) {
  Rng rng(4);
  // distinct values 0.05 apart: no step of ±0.01 changes which entry is the maximum
  const int64_t n = 2 * 3 * 7 * 7;
  Tensor x(Shape{2, 3, 7, 7});
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(i) * 0.05f - 7.0f;
  for (int64_t i = n - 1; i > 0; --i) std::swap(x[i], x[static_cast<int64_t>(rng.below(i + 1))]);
  for (const ops::MaxPool2dParams p : {ops::MaxPool2dParams{}, ops::MaxPool2dParams{3, 3, 2, 2, 1, 1, 1, 1},
                                       ops::MaxPool2dParams{2, 3, 1, 2, 0, 1, 1, 0}}) {
    const auto r = ops::max_pool2d_forward(x, p);
    const Tensor dy = uniform_tensor(r.y.shape(), -1, 1, rng);
    const Tensor dx = ops::max_pool2d_backward(dy, r.argmax, x.shape());
    auto f = [&](const std::vector<Tensor>& in) { return ops::max_pool2d_forward(in[0], p).y; };
    EXPECT_LE(gradient_error(f, {x}, dy, 0, dx), kTol) << "pool " << p.pool_h << "x" << p.pool_w;
  }
}

TEST(GradCheck, BatchNormTraining) {
  Rng rng(5);
  for (const Shape& shape : {Shape{4, 3, 3, 3}, Shape{6, 5}}) {
    const Tensor x = uniform_tensor(shape, -2, 2, rng);
    const Tensor gamma = uniform_tensor({shape[1]}, 0.5, 1.5, rng), beta = uniform_tensor({shape[1]}, -1, 1, rng);
    const Tensor dy = uniform_tensor(shape, -1, 1, rng);
    const auto r = ops::batch_norm_forward_train(x, gamma, beta, 1e-3);
    const auto g = ops::batch_norm_backward_train(dy, x, gamma, beta, r.mean, r.invstd);
    auto f = [](const std::vector<Tensor>& in) { return ops::batch_norm_forward_train(in[0], in[1], in[2], 1e-3).y; };
    EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 0, g.dx, 1e-3), kTol) << shape;
    EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 1, g.dgamma), kTol) << shape;
    EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 2, g.dbeta), kTol) << shape;
  }
}

TEST(GradCheck, BatchNormInference) {
  Rng rng(6);
  const Tensor x = uniform_tensor({3, 2, 4, 4}, -2, 2, rng), gamma = uniform_tensor({2}, 0.5, 1.5, rng);
  const Tensor beta = uniform_tensor({2}, -1, 1, rng), rm = uniform_tensor({2}, -1, 1, rng);
  const Tensor rv = uniform_tensor({2}, 0.5, 2, rng), dy = uniform_tensor(x.shape(), -1, 1, rng);
  const auto g = ops::batch_norm_backward_infer(dy, x, gamma, beta, rm, rv, 1e-3);
  auto f = [&](const std::vector<Tensor>& in) {
    return ops::batch_norm_forward_infer(in[0], in[1], in[2], rm, rv, 1e-3);
  };
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 0, g.dx), kTol);
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 1, g.dgamma), kTol);
  EXPECT_LE(gradient_error(f, {x, gamma, beta}, dy, 2, g.dbeta), kTol);
}

TEST(GradCheck, Dropout) {
  Rng rng(7);
  const Tensor x = uniform_tensor({8, 16}, -1, 1, rng), dy = uniform_tensor({8, 16}, -1, 1, rng);
  const uint64_t seed = 99;
  Rng mask_rng(seed);
  const auto r = ops::dropout_forward(x, 0.3, mask_rng);
  const Tensor dx = ops::dropout_backward(dy, r.mask);
  // The same seed gives the same mask on every call, so the function is differentiable in x.
  auto f = [&](const std::vector<Tensor>& in) {
    Rng again(seed);
    return ops::dropout_forward(in[0], 0.3, again).y;
  };
  EXPECT_LE(gradient_error(f, {x}, dy, 0, dx), kTol);
}

struct UnaryGrad {
  const char* name;
  Tensor (*forward)(const Tensor&);
  Tensor (*backward)(const Tensor&, const Tensor&);
};
class UnaryGradCheck : public ::testing::TestWithParam<UnaryGrad> {};
TEST_P(UnaryGradCheck, Input) {
  Rng rng(8);
  const Tensor x = away_from_zero({5, 7}, rng), dy = uniform_tensor({5, 7}, -1, 1, rng);
  const Tensor dx = GetParam().backward(dy, GetParam().forward(x));
  auto f = [&](const std::vector<Tensor>& in) { return GetParam().forward(in[0]); };
  EXPECT_LE(gradient_error(f, {x}, dy, 0, dx), kTol);
}
INSTANTIATE_TEST_SUITE_P(
    Cases, UnaryGradCheck,
    ::testing::Values(UnaryGrad{"relu", ops::relu_forward, ops::relu_backward},
                      UnaryGrad{"sigmoid", ops::sigmoid_forward, ops::sigmoid_backward},
                      UnaryGrad{"tanh", ops::tanh_forward, ops::tanh_backward},
                      UnaryGrad{"softmax", ops::softmax_forward, ops::softmax_backward},
                      UnaryGrad{"log_softmax", ops::log_softmax_forward, ops::log_softmax_backward}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(GradCheck, SoftmaxCrossEntropy) {
  Rng rng(9);
  const Tensor logits = uniform_tensor({6, 10}, -3, 3, rng);
  std::vector<int32_t> labels;
  Tensor onehot(Shape{6, 10});
  for (int i = 0; i < 6; ++i) {
    labels.push_back(static_cast<int32_t>(rng.below(10)));
    onehot[i * 10 + labels.back()] = 1.0f;
  }
  const Tensor dloss(Shape{}, 1.7f);
  auto dense = [&](const std::vector<Tensor>& in) { return ops::softmax_cross_entropy_forward(in[0], onehot).loss; };
  auto sparse = [&](const std::vector<Tensor>& in) {
    return ops::sparse_softmax_cross_entropy_forward(in[0], labels).loss;
  };
  const auto rd = ops::softmax_cross_entropy_forward(logits, onehot);
  const auto rs = ops::sparse_softmax_cross_entropy_forward(logits, labels);
  EXPECT_LE(gradient_error(dense, {logits}, dloss, 0, ops::softmax_cross_entropy_backward(1.7f, rd.probs, onehot)),
            kTol);
  EXPECT_LE(gradient_error(sparse, {logits}, dloss, 0,
                           ops::sparse_softmax_cross_entropy_backward(1.7f, rs.probs, labels)),
            kTol);
}

TEST(GradCheck, ElementwiseAndReductions) {
  Rng rng(10);
  const Tensor a = uniform_tensor({3, 4}, -1, 1, rng), b = uniform_tensor({3, 4}, -1, 1, rng);
  const Tensor dy = uniform_tensor({3, 4}, -1, 1, rng), ds(Shape{}, 0.8f);
  auto mul = [](const std::vector<Tensor>& in) { return ops::mul_forward(in[0], in[1]); };
  EXPECT_LE(gradient_error(mul, {a, b}, dy, 0, ops::mul_forward(dy, b)), kTol);
  auto add = [](const std::vector<Tensor>& in) { return ops::add_forward(in[0], in[1]); };
  EXPECT_LE(gradient_error(add, {a, b}, dy, 1, dy), kTol);
  auto mse = [](const std::vector<Tensor>& in) { return ops::mse_forward(in[0], in[1]); };
  EXPECT_LE(gradient_error(mse, {a, b}, ds, 0, ops::mse_backward(0.8f, a, b)), kTol);
  auto mean = [](const std::vector<Tensor>& in) { return ops::mean_forward(in[0]); };
  EXPECT_LE(gradient_error(mean, {a}, ds, 0, ops::fill_like(a.shape(), 0.8f / 12)), kTol);
  auto sum = [](const std::vector<Tensor>& in) { return ops::sum_forward(in[0]); };
  EXPECT_LE(gradient_error(sum, {a}, ds, 0, ops::fill_like(a.shape(), 0.8f)), kTol);
}

}  // namespace
}  // namespace plateau
