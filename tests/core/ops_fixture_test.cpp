// Every kernel's forward and backward against PyTorch (fixtures from tests/fixtures/make_torch_fixtures.py).
#include <gtest/gtest.h>

#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/ops/softmax.h"
#include "plateau/core/ops/softmax_cross_entropy.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

using testing::expect_close;
using testing::load_fixture;
using testing::meta_int;

constexpr double kTol = 1e-4;

TEST(OpsFixture, Matmul) {
  const auto f = load_fixture("kernels", "matmul_5x7x3");
  expect_close(ops::matmul_forward(f.at("a"), f.at("b")), f.at("y"), kTol, "y");
  const auto g = ops::matmul_backward(f.at("dy"), f.at("a"), f.at("b"));
  expect_close(g.da, f.at("da"), kTol, "da");
  expect_close(g.db, f.at("db"), kTol, "db");
}

class LinearFixture : public ::testing::TestWithParam<const char*> {};
TEST_P(LinearFixture, ForwardAndBackward) {
  const auto f = load_fixture("kernels", GetParam());
  expect_close(ops::linear_forward(f.at("x"), f.at("w"), f.at("b")), f.at("y"), kTol, "y");
  const auto g = ops::linear_backward(f.at("dy"), f.at("x"), f.at("w"), true);
  expect_close(g.dx, f.at("dx"), kTol, "dx");
  expect_close(g.dw, f.at("dw"), kTol, "dw");
  expect_close(g.db, f.at("db"), kTol, "db");
}
INSTANTIATE_TEST_SUITE_P(Cases, LinearFixture, ::testing::Values("linear_n4", "linear_batch1", "linear_n33"));

ops::Conv2dParams conv_params(const io::TensorFile& f) {
  return {meta_int(f, "stride_h"), meta_int(f, "stride_w"), meta_int(f, "pad_top"),
          meta_int(f, "pad_bottom"), meta_int(f, "pad_left"), meta_int(f, "pad_right")};
}

class Conv2dFixture : public ::testing::TestWithParam<const char*> {};
TEST_P(Conv2dFixture, ForwardAndBackward) {
  const auto f = load_fixture("kernels", GetParam());
  const bool bias = meta_int(f, "bias") == 1;
  const Tensor b = bias ? f.at("b") : Tensor();
  const auto p = conv_params(f);
  expect_close(ops::conv2d_forward(f.at("x"), f.at("w"), b, p), f.at("y"), kTol, "y");
  const auto g = ops::conv2d_backward(f.at("dy"), f.at("x"), f.at("w"), p, bias);
  expect_close(g.dx, f.at("dx"), kTol, "dx");
  expect_close(g.dw, f.at("dw"), kTol, "dw");
  if (bias) expect_close(g.db, f.at("db"), kTol, "db");
  const auto no_dx = ops::conv2d_backward(f.at("dy"), f.at("x"), f.at("w"), p, bias, /*need_dx=*/false);
  EXPECT_TRUE(no_dx.dx.empty());
  EXPECT_TRUE(identical(no_dx.dw, g.dw));
}
INSTANTIATE_TEST_SUITE_P(Cases, Conv2dFixture,
                         ::testing::Values("conv2d_basic", "conv2d_stride2_pad1", "conv2d_odd_asymmetric",
                                           "conv2d_batch1_channels4", "conv2d_batch9_even_kernel"));

class MaxPoolFixture : public ::testing::TestWithParam<const char*> {};
TEST_P(MaxPoolFixture, ForwardAndBackward) {
  const auto f = load_fixture("kernels", GetParam());
  const ops::MaxPool2dParams p{meta_int(f, "pool_h"),  meta_int(f, "pool_w"),     meta_int(f, "stride_h"),
                               meta_int(f, "stride_w"), meta_int(f, "pad_top"),    meta_int(f, "pad_bottom"),
                               meta_int(f, "pad_left"), meta_int(f, "pad_right")};
  const auto r = ops::max_pool2d_forward(f.at("x"), p);
  expect_close(r.y, f.at("y"), kTol, "y");
  expect_close(ops::max_pool2d_backward(f.at("dy"), r.argmax, f.at("x").shape()), f.at("dx"), kTol, "dx");
}
INSTANTIATE_TEST_SUITE_P(Cases, MaxPoolFixture,
                         ::testing::Values("max_pool2d_2x2", "max_pool2d_3x3_stride2_pad1", "max_pool2d_odd_floor",
                                           "max_pool2d_same_odd", "max_pool2d_overlap"));

class BatchNormFixture : public ::testing::TestWithParam<const char*> {};
TEST_P(BatchNormFixture, ForwardAndBackward) {
  const auto f = load_fixture("kernels", GetParam());
  const double eps = testing::meta_double(f, "eps");
  if (meta_int(f, "training") == 1) {
    const auto r = ops::batch_norm_forward_train(f.at("x"), f.at("gamma"), f.at("beta"), eps);
    expect_close(r.y, f.at("y"), kTol, "y");
    expect_close(r.mean, f.at("mean"), kTol, "mean");
    expect_close(r.var, f.at("var"), kTol, "var");
    const auto g = ops::batch_norm_backward_train(f.at("dy"), f.at("x"), f.at("gamma"), f.at("beta"), r.mean, r.invstd);
    expect_close(g.dx, f.at("dx"), kTol, "dx");
    expect_close(g.dgamma, f.at("dgamma"), kTol, "dgamma");
    expect_close(g.dbeta, f.at("dbeta"), kTol, "dbeta");
  } else {
    const Tensor y = ops::batch_norm_forward_infer(f.at("x"), f.at("gamma"), f.at("beta"), f.at("running_mean"),
                                                   f.at("running_var"), eps);
    expect_close(y, f.at("y"), kTol, "y");
    const auto g = ops::batch_norm_backward_infer(f.at("dy"), f.at("x"), f.at("gamma"), f.at("beta"),
                                                  f.at("running_mean"), f.at("running_var"), eps);
    expect_close(g.dx, f.at("dx"), kTol, "dx");
    expect_close(g.dgamma, f.at("dgamma"), kTol, "dgamma");
    expect_close(g.dbeta, f.at("dbeta"), kTol, "dbeta");
  }
}
INSTANTIATE_TEST_SUITE_P(Cases, BatchNormFixture,
                         ::testing::Values("batch_norm_train_4d", "batch_norm_train_2d", "batch_norm_infer_4d"));

struct UnaryCase {
  const char* name;
  Tensor (*forward)(const Tensor&);
  Tensor (*backward)(const Tensor&, const Tensor&);
};
class UnaryFixture : public ::testing::TestWithParam<UnaryCase> {};
TEST_P(UnaryFixture, ForwardAndBackward) {
  const auto f = load_fixture("kernels", GetParam().name);
  const Tensor y = GetParam().forward(f.at("x"));
  expect_close(y, f.at("y"), kTol, "y");
  expect_close(GetParam().backward(f.at("dy"), y), f.at("dx"), kTol, "dx");
}
INSTANTIATE_TEST_SUITE_P(
    Cases, UnaryFixture,
    ::testing::Values(UnaryCase{"relu", ops::relu_forward, ops::relu_backward},
                      UnaryCase{"sigmoid", ops::sigmoid_forward, ops::sigmoid_backward},
                      UnaryCase{"tanh", ops::tanh_forward, ops::tanh_backward},
                      UnaryCase{"softmax", ops::softmax_forward, ops::softmax_backward},
                      UnaryCase{"log_softmax", ops::log_softmax_forward, ops::log_softmax_backward}),
    [](const auto& info) { return std::string(info.param.name); });

class CrossEntropyFixture : public ::testing::TestWithParam<const char*> {};
TEST_P(CrossEntropyFixture, DenseAndSparse) {
  const auto f = load_fixture("kernels", GetParam());
  const float dloss = f.at("dloss").item();
  const auto dense = ops::softmax_cross_entropy_forward(f.at("logits"), f.at("target"));
  expect_close(dense.loss, f.at("loss"), kTol, "loss");
  expect_close(ops::softmax_cross_entropy_backward(dloss, dense.probs, f.at("target")), f.at("dlogits"), kTol,
               "dlogits");
  if (meta_int(f, "soft") == 0) {  // one-hot targets: the sparse path must agree
    const auto labels = testing::labels_of(f.at("labels"));
    const auto sparse = ops::sparse_softmax_cross_entropy_forward(f.at("logits"), labels);
    expect_close(sparse.loss, f.at("loss"), kTol, "sparse loss");
    expect_close(ops::sparse_softmax_cross_entropy_backward(dloss, sparse.probs, labels), f.at("dlogits"), kTol,
                 "sparse dlogits");
  }
}
INSTANTIATE_TEST_SUITE_P(Cases, CrossEntropyFixture,
                         ::testing::Values("cross_entropy_onehot", "cross_entropy_soft", "cross_entropy_large_logits"));

TEST(OpsFixture, Mse) {
  const auto f = load_fixture("kernels", "mse");
  expect_close(ops::mse_forward(f.at("a"), f.at("b")), f.at("loss"), kTol, "loss");
  expect_close(ops::mse_backward(f.at("dloss").item(), f.at("a"), f.at("b")), f.at("da"), kTol, "da");
}

}  // namespace
}  // namespace plateau
