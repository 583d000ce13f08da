// Sequential, model specs, summary and weights files.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstring>
#include <fstream>

#include "plateau/core/error.h"
#include "tests/support/error_of.h"
#include "tests/support/scratch_dir.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "plateau/layers/batch_normalization.h"
#include "plateau/layers/conv2d.h"
#include "plateau/layers/max_pooling2d.h"
#include "plateau/layers/dense.h"
#include "plateau/layers/flatten.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/summary.h"
#include "plateau/layers/weights.h"

namespace plateau {
namespace {

using testing::error_of;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string temp_path(const std::string& name) {
  static const auto dir = testing::scratch_dir("plateau_model_test");
  return (dir / name).string();
}

TEST(Summary, SeedCnnMatchesKerasCounts) {
  auto model = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 0);
  const std::string s = summary(*model);
  EXPECT_TRUE(contains(s, "│ conv2d (Conv2D)")) << s;
  EXPECT_TRUE(contains(s, "│ (None, 26, 26, 32)")) << s;
  EXPECT_TRUE(contains(s, "│ batch_normalization_2 (BatchNormalization)")) << s;
  EXPECT_TRUE(contains(s, "│ (None, 1152)")) << s;
  EXPECT_TRUE(contains(s, " Total params: 242,442 (947.04 KB)\n")) << s;
  EXPECT_TRUE(contains(s, " Trainable params: 241,994 (945.29 KB)\n")) << s;
  EXPECT_TRUE(contains(s, " Non-trainable params: 448 (1.75 KB)\n")) << s;
  EXPECT_EQ(model->parameter_count(), 241994);
  EXPECT_EQ(model->buffer_count(), 448);
}

TEST(Sequential, BuiltFromCppEqualsBuiltFromJson) {
  Sequential a;
  a.add(Conv2D({.filters = 4, .kernel_size = {3, 3}, .activation = "relu"}));
  a.add(Flatten());
  a.add(Dense({.units = 3, .activation = "softmax"}));
  a.build({1, 6, 6}, 9);
  auto b = build_model(a.spec(), {6, 6, 1}, 9);
  const StateDict sa = a.state_dict(), sb = b->state_dict();
  ASSERT_EQ(sa.size(), 4u);
  EXPECT_EQ(sa[0].first, "0.weight");
  EXPECT_EQ(sa[3].first, "2.bias");
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(identical(sa[i].second, sb[i].second)) << sa[i].first;
  EXPECT_EQ(b->layers()[2]->name(), "dense");
  EXPECT_TRUE(b->ends_with_softmax());
}

TEST(Sequential, SameSeedSameWeightsOtherSeedOtherWeights) {
  auto a = build_model(named_model_spec("mlp"), {28, 28, 1}, 1);
  auto b = build_model(named_model_spec("mlp"), {28, 28, 1}, 1);
  auto c = build_model(named_model_spec("mlp"), {28, 28, 1}, 2);
  EXPECT_TRUE(identical(a->state_dict()[0].second, b->state_dict()[0].second));
  EXPECT_FALSE(identical(a->state_dict()[0].second, c->state_dict()[0].second));
}

TEST(Sequential, GlorotUniformHasKerasLimits) {
  auto m = build_model(nlohmann::json::parse(R"({"layers":[{"type":"Dense","units":300}]})"), {200}, 4);
  const StateDict state = m->state_dict();
  const Tensor& w = state[0].second;
  const double limit = std::sqrt(6.0 / (200 + 300));
  double lo = 0, hi = 0;
  for (int64_t i = 0; i < w.numel(); ++i) {
    lo = std::min(lo, static_cast<double>(w[i]));
    hi = std::max(hi, static_cast<double>(w[i]));
  }
  EXPECT_LE(hi, limit);
  EXPECT_GE(lo, -limit);
  EXPECT_GT(hi, 0.99 * limit);  // 60,000 draws reach the edge
  EXPECT_TRUE(identical(state[1].second, Tensor({300}, 0.0f)));
}

TEST(Sequential, VggMiniBuildsForAnyInputOfEightOrMore) {
  for (int64_t side : {8, 9, 28, 32}) {
    auto m = build_model(named_model_spec("vgg-mini"), {side, side, 3}, 0);
    EXPECT_EQ(m->output_shapes().back(), Shape({10})) << side;
  }
}

// Whether this kernel set runs the seed CNN's first Conv2D → BatchNormalization → MaxPooling2D as one op.
bool first_three_fused() {
  return ops::conv2d_batch_norm_max_pool2d_applies({1, 1, 28, 28}, {32, 1, 3, 3}, {}, {});
}

// The seed CNN runs each BatchNormalization + MaxPooling2D pair as one fused step, and its first three
// layers as one where the kernel set can; with an input that needs a gradient the first step runs its
// layers one by one. The result equals running its layers one by one: outputs and running statistics bit
// for bit, gradients up to the order of the batch-norm sums.
TEST(Sequential, FusedBatchNormPoolStepsEqualLayerByLayer) {
  auto fused = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3);
  auto plain = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3);
  std::vector<std::pair<size_t, size_t>> steps;
  for (const auto& s : fused->steps()) steps.emplace_back(s.first, s.count);
  std::vector<std::pair<size_t, size_t>> want{{0, 1}, {1, 2}, {3, 1}, {4, 2}, {6, 1}, {7, 1},
                                              {8, 1}, {9, 1}, {10, 1}, {11, 1}};
  if (first_three_fused()) {
    want.erase(want.begin(), want.begin() + 2);
    want.insert(want.begin(), {0, 3});
  }
  EXPECT_EQ(steps, want);
  Rng rng(5);
  const Tensor images = uniform_tensor({6, 1, 28, 28}, 0, 1, rng);
  for (bool training : {true, false}) {
    fused->train(training);
    plain->train(training);
    Variable x1(images, true), x2(images, true);
    Variable y1 = fused->forward(x1);
    Variable y2 = x2;
    for (const auto& layer : plain->layers()) y2 = layer->forward(y2);
    ASSERT_EQ(y1.shape(), y2.shape());
    for (int64_t i = 0; i < y1.value().numel(); ++i) ASSERT_EQ(y1.value()[i], y2.value()[i]) << training << " " << i;
    const Tensor upstream = uniform_tensor(y1.shape(), -1, 1, rng);
    y1.backward(upstream);
    y2.backward(upstream);
    const auto p1 = fused->named_parameters(), p2 = plain->named_parameters();
    for (size_t k = 0; k < p1.size(); ++k)
      for (int64_t i = 0; i < p1[k].second.grad().numel(); ++i)
        ASSERT_NEAR(p1[k].second.grad()[i], p2[k].second.grad()[i],
                    1e-4 * (1 + std::abs(p2[k].second.grad()[i])))
            << p1[k].first << " " << training;
    for (int64_t i = 0; i < images.numel(); ++i)
      ASSERT_NEAR(x1.grad()[i], x2.grad()[i], 1e-4 * (1 + std::abs(x2.grad()[i]))) << training;
  }
  const StateDict a = plain->state_dict(), b = fused->state_dict();  // includes the running statistics
  for (size_t k = 0; k < a.size(); ++k)
    EXPECT_EQ(0, std::memcmp(a[k].second.data(), b[k].second.data(), 4 * a[k].second.numel())) << a[k].first;
}

// With an input that needs no gradient (training data), the seed CNN's first three layers run as one op
// (core/ops/conv2d_batch_norm_max_pool2d.h): the outputs, every parameter gradient and the running
// statistics equal running the convolution, then batch norm + pooling, then the other steps, bit for bit,
// in float32 and mixed_bfloat16, in training and in inference without a graph.
// The seed CNN's forward with its first step run as two: the convolution, then batch norm + pooling.
Variable first_three_apart(Sequential& net, const Variable& x) {
  const auto& layers = net.layers();
  Variable h = layers[0]->forward(x);
  h = static_cast<BatchNormalization&>(*layers[1])
          .forward_then_max_pool(h, static_cast<const MaxPooling2D&>(*layers[2]).params());
  for (const auto& step : net.steps())
    if (step.first >= 3) h = net.forward_step(step, h);
  return h;
}

TEST(Sequential, FusedFirstConvolutionStepEqualsLayerByLayer) {
  if (!first_three_fused()) GTEST_SKIP() << "this kernel set has no direct one-channel convolution";
  for (const char* policy : {"float32", "mixed_bfloat16"}) {
    auto fused = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3, policy);
    auto plain = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3, policy);
    ASSERT_EQ(fused->steps().front().count, 3u);
    Rng rng(6);
    const Tensor images = uniform_tensor({20, 1, 28, 28}, 0, 1, rng);
    for (int step = 0; step < 2; ++step) {  // the second step runs on the moved running statistics
      const Variable x(images, false);
      Variable y1 = fused->forward(x);
      Variable y2 = first_three_apart(*plain, x);
      ASSERT_TRUE(identical(y1.value(), y2.value())) << policy;
      const Tensor upstream = uniform_tensor(y1.shape(), -1, 1, rng);
      y1.backward(upstream);
      y2.backward(upstream);
      auto p1 = fused->named_parameters(), p2 = plain->named_parameters();
      for (size_t k = 0; k < p1.size(); ++k) {
        EXPECT_TRUE(identical(p1[k].second.grad(), p2[k].second.grad())) << p1[k].first << " " << policy;
        p1[k].second.zero_grad();
        p2[k].second.zero_grad();
      }
    }
    const StateDict a = plain->state_dict(), b = fused->state_dict();  // includes the running statistics
    for (size_t k = 0; k < a.size(); ++k) EXPECT_TRUE(identical(a[k].second, b[k].second)) << a[k].first;
    fused->train(false);
    plain->train(false);
    NoGradGuard no_grad;
    EXPECT_TRUE(identical(fused->forward(Variable(images, false)).value(),
                          first_three_apart(*plain, Variable(images, false)).value()))
        << policy;
  }
}

// Keras' dtype policies: a build-wide policy, a layer's own "dtype" over it, kept by spec(); under
// mixed_bfloat16 a Dense layer's output is on the bfloat16 grid and differs from float32's.
TEST(DtypePolicy, ModelPolicyLayerOverrideAndSpecRoundTrip) {
  nlohmann::json spec = named_model_spec("seed-cnn");
  spec["layers"].back()["dtype"] = "float32";  // Keras' advice: the output layer in float32
  auto mixed = build_model(spec, {28, 28, 1}, 3, "mixed_bfloat16");
  const auto& layers = mixed->layers();
  for (size_t i = 0; i + 1 < layers.size(); ++i) EXPECT_EQ(layers[i]->dtype_policy(), "mixed_bfloat16") << i;
  EXPECT_EQ(layers.back()->dtype_policy(), "float32");
  const nlohmann::json saved = mixed->spec();
  EXPECT_EQ(saved["layers"][0]["dtype"], "mixed_bfloat16");
  EXPECT_FALSE(saved["layers"].back().contains("dtype"));
  auto rebuilt = build_model(saved, {28, 28, 1}, 3);  // the policy comes back from the spec alone
  for (size_t i = 0; i < layers.size(); ++i)
    EXPECT_EQ(rebuilt->layers()[i]->dtype_policy(), layers[i]->dtype_policy()) << i;

  auto plain = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3);
  auto all_mixed = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 3, "mixed_bfloat16");
  Rng rng(2);
  const Variable images(uniform_tensor({4, 1, 28, 28}, 0, 1, rng), false);
  plain->train(false);
  all_mixed->train(false);
  const Tensor logits32 = plain->forward_logits(images).value();
  const Tensor logits16 = all_mixed->forward_logits(images).value();
  int64_t differ = 0;
  for (int64_t i = 0; i < logits16.numel(); ++i) {
    EXPECT_EQ(logits16[i], ops::round_to_bfloat16(logits16[i])) << i;
    differ += logits16[i] != logits32[i];
    EXPECT_NEAR(logits16[i], logits32[i], 0.05 * (1 + std::abs(logits32[i]))) << i;
  }
  EXPECT_GT(differ, 0);
}

TEST(DtypePolicy, UnknownPolicyNamesTheValidOnes) {
  EXPECT_EQ(error_of([] { build_model(named_model_spec("mlp"), {28, 28, 1}, 1, "mixed_float16"); }),
            "unknown dtype policy 'mixed_float16' (valid: float32, mixed_bfloat16)");
  nlohmann::json spec = named_model_spec("mlp");
  spec["layers"][1]["dtype"] = "bfloat16";
  EXPECT_EQ(error_of([&] { build_model(spec, {28, 28, 1}, 1); }),
            "model spec layer 1: unknown dtype policy 'bfloat16' (valid: float32, mixed_bfloat16)");
}

TEST(DtypePolicy, GlobalPolicyIsTakenWhenALayerIsMade) {
  set_dtype_policy("mixed_bfloat16");
  Dense made_under_mixed({.units = 3});
  set_dtype_policy("float32");
  Dense made_after({.units = 3});
  EXPECT_EQ(made_under_mixed.dtype_policy(), "mixed_bfloat16");
  EXPECT_EQ(made_after.dtype_policy(), "float32");
  EXPECT_THROW(set_dtype_policy("float16"), Error);
  EXPECT_EQ(dtype_policy(), "float32");
}

TEST(ModelSpec, UnknownTypeAndArgumentListTheValidOnes) {
  const std::string t = error_of([] { layer_from_spec({{"type", "Conv3D"}}); });
  EXPECT_TRUE(contains(t, "unknown layer type 'Conv3D'")) << t;
  EXPECT_TRUE(contains(t, "Conv2D, BatchNormalization, MaxPooling2D, Dense, Dropout, Flatten, Activation")) << t;
  const std::string a = error_of([] { layer_from_spec({{"type", "Dense"}, {"units", 3}, {"unit", 4}}); });
  EXPECT_TRUE(contains(a, "Dense: unknown argument 'unit' (valid: units, activation")) << a;
  EXPECT_TRUE(contains(error_of([] { layer_from_spec({{"type", "Dense"}, {"units", "3"}}); }),
                       "units must be an integer, got \"3\""));
  EXPECT_TRUE(contains(error_of([] { layer_from_spec({{"type", "Dense"}, {"units", 3}, {"activation", "gelu"}}); }),
                       "unknown activation 'gelu' (valid: relu, sigmoid, tanh, softmax, linear)"));
  EXPECT_TRUE(contains(error_of([] { layer_from_spec({{"type", "Conv2D"}, {"kernel_size", 3}}); }),
                       "missing required argument 'filters'"));
  EXPECT_TRUE(contains(error_of([] { resolve_model_spec("resnet-50"); }), "named model (seed-cnn, mlp, vgg-mini)"));
  EXPECT_TRUE(contains(error_of([] { resolve_model_spec("[{\"type\":"); }), "not valid JSON"));
}

TEST(ModelSpec, DenseAfterUnflattenedImageIsAnError) {
  const std::string e = error_of([] {
    build_model(nlohmann::json::parse(R"({"layers":[{"type":"Conv2D","filters":2,"kernel_size":3},
                                                       {"type":"Dense","units":4}]})"),
                {8, 8, 1}, 0);
  });
  EXPECT_TRUE(contains(e, "layer 1 (dense)")) << e;
  EXPECT_TRUE(contains(e, "add a Flatten layer before it")) << e;
}

TEST(ModelSpec, PoolOrKernelLargerThanInputIsAnError) {
  const std::string p = error_of([] {
    build_model(nlohmann::json::parse(R"({"layers":[{"type":"MaxPooling2D","pool_size":5}]})"), {4, 4, 1}, 0);
  });
  EXPECT_TRUE(contains(p, "pool 5x5 is larger than its input 4x4")) << p;
  const std::string k = error_of([] {
    build_model(nlohmann::json::parse(R"({"layers":[{"type":"Conv2D","filters":1,"kernel_size":5}]})"), {3, 3, 1}, 0);
  });
  EXPECT_TRUE(contains(k, "kernel 5x5 is larger than its input 3x3")) << k;
}

TEST(Weights, RoundTripAndSpecInMetadata) {
  const std::string path = temp_path("mlp.safetensors");
  auto a = build_model(named_model_spec("mlp"), {28, 28, 1}, 1);
  save_weights(*a, path);
  const nlohmann::json spec = model_spec_from_weights(path);
  auto b = build_model(spec, {28, 28, 1}, 2);
  load_weights(*b, path);
  const StateDict sa = a->state_dict(), sb = b->state_dict();
  for (size_t i = 0; i < sa.size(); ++i) EXPECT_TRUE(identical(sa[i].second, sb[i].second)) << sa[i].first;
}

TEST(Weights, AnotherArchitectureIsRejectedAndNothingIsLoaded) {
  const std::string path = temp_path("mlp_for_cnn.safetensors");
  auto mlp = build_model(named_model_spec("mlp"), {28, 28, 1}, 1);
  save_weights(*mlp, path);
  auto cnn = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 1);
  const StateDict before = cnn->state_dict();
  const std::string e = error_of([&] { load_weights(*cnn, path); });
  EXPECT_TRUE(contains(e, "weights file '" + path + "' does not match the model")) << e;
  EXPECT_TRUE(contains(e, "missing 0.weight")) << e;
  const StateDict after = cnn->state_dict();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(identical(before[i].second, after[i].second));
}

TEST(Weights, ShapeMismatchNamesBothShapes) {
  const std::string path = temp_path("dense4.safetensors");
  auto a = build_model(nlohmann::json::parse(R"({"layers":[{"type":"Dense","units":4}]})"), {3}, 0);
  save_weights(*a, path);
  auto b = build_model(nlohmann::json::parse(R"({"layers":[{"type":"Dense","units":5}]})"), {3}, 0);
  const std::string e = error_of([&] { load_weights(*b, path); });
  EXPECT_TRUE(contains(e, "0.weight is [4,3] in weights file")) << e;
  EXPECT_TRUE(contains(e, "the model expects [5,3]")) << e;
}

TEST(Weights, TruncatedFileIsRejectedAndNothingIsLoaded) {
  const std::string path = temp_path("truncated.safetensors");
  auto a = build_model(named_model_spec("mlp"), {28, 28, 1}, 1);
  save_weights(*a, path);
  const std::string bytes = io::read_file(path);
  io::write_file_atomically(path, bytes.substr(0, bytes.size() - 100));
  auto b = build_model(named_model_spec("mlp"), {28, 28, 1}, 2);
  const StateDict before = b->state_dict();
  const std::string e = error_of([&] { load_weights(*b, path); });
  EXPECT_TRUE(contains(e, path)) << e;
  EXPECT_TRUE(identical(before[0].second, b->state_dict()[0].second));
}

}  // namespace
}  // namespace plateau
