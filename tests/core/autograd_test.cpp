#include <gtest/gtest.h>

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/random.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

TEST(Autograd, TensorUsedTwiceAccumulatesBothContributions) {
  // Two layers where h feeds two ops: loss = Σ relu(h) + Σ h·h, h = x·wᵀ + b.
  Rng rng(1);
  Variable x(uniform_tensor({3, 4}, -1, 1, rng));
  Variable w(uniform_tensor({2, 4}, -1, 1, rng), true), b(uniform_tensor({2}, -1, 1, rng), true);
  Variable h = fn::linear(x, w, b);
  Variable loss = fn::add(fn::sum(fn::relu(h)), fn::sum(fn::mul(h, h)));
  loss.backward();

  // By hand: dL/dh = [h > 0] + 2h, then through the linear map.
  const Tensor& hv = h.value();
  Tensor dh(hv.shape());
  for (int64_t i = 0; i < hv.numel(); ++i) dh[i] = (hv[i] > 0 ? 1.0f : 0.0f) + 2.0f * hv[i];
  const auto expected = ops::linear_backward(dh, x.value(), w.value(), true);
  testing::expect_close(w.grad(), expected.dw, 1e-6, "dw");
  testing::expect_close(b.grad(), expected.db, 1e-6, "db");
  EXPECT_FALSE(x.has_grad());  // x does not require a gradient
}

TEST(Autograd, SameLeafInTwoOpsGetsSumOfGradients) {
  Variable a(Tensor({2}, {1.5f, -2.0f}), true);
  Variable loss = fn::sum(fn::add(fn::mul(a, a), a));  // d/da (a² + a) = 2a + 1
  loss.backward();
  EXPECT_FLOAT_EQ(a.grad()[0], 4.0f);
  EXPECT_FLOAT_EQ(a.grad()[1], -3.0f);
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCallsUntilZeroed) {
  Variable a(Tensor({1}, {3.0f}), true);
  fn::sum(fn::mul(a, a)).backward();
  fn::sum(fn::mul(a, a)).backward();
  EXPECT_FLOAT_EQ(a.grad()[0], 12.0f);
  a.zero_grad();
  EXPECT_FALSE(a.has_grad());
}

TEST(Autograd, BackwardOnNonScalarIsAnError) {
  Variable a(Tensor({2, 3}), true);
  Variable y = fn::relu(a);
  try {
    y.backward();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("non-scalar of shape [2,3]"), std::string::npos) << e.what();
  }
  y.backward(Tensor({2, 3}, 1.0f));  // with an upstream gradient it works
  EXPECT_TRUE(a.has_grad());
}

TEST(Autograd, SecondBackwardOnFreedGraphIsAnError) {
  Variable a(Tensor({2}, {1.0f, 2.0f}), true);
  Variable loss = fn::sum(fn::mul(a, a));
  loss.backward();
  try {
    loss.backward();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already freed"), std::string::npos) << e.what();
  }
  Variable kept = fn::sum(fn::mul(a, a));
  kept.backward(true);
  EXPECT_NO_THROW(kept.backward());  // retained once, so a second pass is allowed
}

TEST(Autograd, NoGradGuardRecordsNothing) {
  Variable a(Tensor({2}, {1.0f, 2.0f}), true);
  Variable y;
  {
    NoGradGuard guard;
    y = fn::sum(fn::mul(a, a));
  }
  EXPECT_FALSE(y.requires_grad());
  EXPECT_THROW(y.backward(), Error);
  EXPECT_TRUE(NoGradGuard::grad_enabled());
}

TEST(Autograd, DetachCutsHistory) {
  Variable a(Tensor({2}, {1.0f, 2.0f}), true);
  Variable h = fn::mul(a, a);
  Variable d = h.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(identical(d.value(), h.value()));
  Variable loss = fn::sum(fn::add(h, d));  // only the attached branch carries a gradient
  loss.backward();
  EXPECT_FLOAT_EQ(a.grad()[0], 2.0f);
  EXPECT_FLOAT_EQ(a.grad()[1], 4.0f);
}

TEST(Autograd, SmallCnnGraphMatchesFiniteDifferences) {
  // conv -> batch_norm -> relu -> pool -> flatten -> linear -> cross-entropy, checked on the conv weight.
  Rng rng(3);
  const Tensor x = uniform_tensor({2, 1, 6, 6}, -1, 1, rng);
  const Tensor w0 = uniform_tensor({2, 1, 3, 3}, -1, 1, rng), wd = uniform_tensor({3, 8}, -1, 1, rng);
  const std::vector<int32_t> labels{0, 2};
  auto loss_of = [&](const Tensor& w_value, Variable* w_out) {
    Variable w(w_value, true), dense(wd, true);
    Variable h = fn::conv2d(Variable(x), w, Variable(), {});
    h = fn::relu(fn::batch_norm(h, Variable(), Variable(), 1e-3, nullptr, nullptr));
    h = fn::flatten(fn::max_pool2d(h, {}));
    Variable loss = fn::sparse_softmax_cross_entropy(fn::linear(h, dense, Variable()), labels);
    if (w_out) *w_out = w;
    return loss;
  };
  Variable w;
  Variable loss = loss_of(w0, &w);
  loss.backward();
  const double eps = 1e-3;
  for (int64_t k = 0; k < w0.numel(); ++k) {
    Tensor up = w0, down = w0;
    up[k] += static_cast<float>(eps);
    down[k] -= static_cast<float>(eps);
    const double numeric = (loss_of(up, nullptr).value().item() - loss_of(down, nullptr).value().item()) / (2 * eps);
    EXPECT_NEAR(w.grad()[k], numeric, 2e-3) << "weight " << k;
  }
}

}  // namespace
}  // namespace plateau
