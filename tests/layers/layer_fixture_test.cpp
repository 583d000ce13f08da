// Each Keras-style layer's forward and backward (training and inference mode) against PyTorch
// fixtures from tests/fixtures/make_torch_fixtures.py, relative error <= 1e-4.
#include <gtest/gtest.h>

#include "plateau/core/autograd/functions.h"
#include "plateau/layers/batch_normalization.h"
#include "plateau/layers/model_spec.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

using testing::expect_close;
using testing::load_fixture;

constexpr double kTol = 1e-4;

Shape shape_from_text(const std::string& text) {
  std::vector<int64_t> dims;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    dims.push_back(std::stoll(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Shape(dims);
}

class LayerFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(LayerFixture, ForwardBackwardAndState) {
  const auto f = load_fixture("layers", GetParam());
  auto layer = layer_from_spec(nlohmann::json::parse(f.metadata.at("spec")));
  Rng rng(0);
  layer->build(shape_from_text(f.metadata.at("input_shape")), rng);
  StateDict weights;
  for (const auto& [name, t] : layer->state_dict()) weights.emplace_back(name, f.at(name));
  layer->load_state_dict(weights, GetParam());
  layer->train(f.metadata.at("training") == "1");

  Variable x(f.at("x"), true);
  Variable y = layer->forward(x);
  expect_close(y.value(), f.at("y"), kTol, "y");
  y.backward(f.at("dy"));
  expect_close(x.grad(), f.at("dx"), kTol, "dx");
  for (const auto& [name, p] : layer->named_parameters()) expect_close(p.grad(), f.at("d" + name), kTol, "d" + name);
  if (f.contains("new_running_mean")) {
    const auto& bn = dynamic_cast<const BatchNormalization&>(*layer);
    expect_close(bn.running_mean(), f.at("new_running_mean"), kTol, "running_mean after the step");
    expect_close(bn.running_var(), f.at("new_running_var"), kTol, "running_var after the step");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LayerFixture,
    ::testing::Values("conv2d_same_odd_relu", "conv2d_same_even_stride2", "conv2d_same_even_rect",
                      "conv2d_same_odd_stride2", "conv2d_valid_stride2_nobias", "dense_relu", "dense_softmax",
                      "dense_sigmoid", "batchnorm_train_4d", "batchnorm_eval_4d", "batchnorm_train_2d",
                      "maxpool_same_odd", "maxpool_valid_3_stride2", "maxpool_same_3_stride2", "flatten"),
    [](const auto& info) { return std::string(info.param); });

TEST(LayerModes, BatchNormInferenceUsesRunningStatistics) {
  auto bn = layer_from_spec({{"type", "BatchNormalization"}});
  Rng rng(0);
  bn->build({2, 3, 3}, rng);
  bn->load_state_dict({{"weight", Tensor({2}, {2.0f, 1.0f})},
                       {"bias", Tensor({2}, {0.5f, 0.0f})},
                       {"running_mean", Tensor({2}, {1.0f, -1.0f})},
                       {"running_var", Tensor({2}, {4.0f, 0.25f})}});
  bn->eval();
  const Tensor x = uniform_tensor({5, 2, 3, 3}, -1, 1, rng);
  const Tensor y = bn->forward(Variable(x)).value();
  for (int64_t n = 0; n < 5; ++n)
    for (int64_t k = 0; k < 9; ++k) {
      const int64_t i0 = (n * 2 + 0) * 9 + k, i1 = (n * 2 + 1) * 9 + k;
      EXPECT_NEAR(y[i0], (x[i0] - 1.0) / std::sqrt(4.0 + 1e-3) * 2.0 + 0.5, 1e-5);
      EXPECT_NEAR(y[i1], (x[i1] + 1.0) / std::sqrt(0.25 + 1e-3), 1e-5);
    }
  // inference leaves the running statistics alone
  EXPECT_FLOAT_EQ(dynamic_cast<BatchNormalization&>(*bn).running_mean()[0], 1.0f);
}

TEST(LayerModes, DropoutIsIdentityInInferenceAndScalesInTraining) {
  auto drop = layer_from_spec({{"type", "Dropout"}, {"rate", 0.5}, {"seed", 3}});
  Rng rng(0);
  drop->build({1000}, rng);
  const Tensor x = uniform_tensor({4, 1000}, 0.5, 1.0, rng);
  drop->eval();
  EXPECT_TRUE(identical(drop->forward(Variable(x)).value(), x));
  drop->train();
  const Tensor y = drop->forward(Variable(x)).value();
  int64_t zeros = 0;
  for (int64_t i = 0; i < y.numel(); ++i) {
    if (y[i] == 0.0f) {
      ++zeros;
    } else {
      EXPECT_FLOAT_EQ(y[i], x[i] * 2.0f);
    }
  }
  EXPECT_NEAR(static_cast<double>(zeros) / y.numel(), 0.5, 0.03);
}

}  // namespace
}  // namespace plateau
