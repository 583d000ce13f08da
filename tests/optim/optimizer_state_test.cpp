// state_dict round trips, option validation and spec errors.
#include <gtest/gtest.h>

#include "plateau/core/error.h"
#include "tests/support/error_of.h"
#include "plateau/core/random.h"
#include "plateau/optim/adam.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/optim/sgd.h"

namespace plateau {
namespace {

using testing::error_of;

// Runs `steps` steps of a fixed gradient sequence, starting at step index `from`.
void run(Optimizer& opt, std::vector<Variable>& params, int from, int steps) {
  for (int t = from; t < from + steps; ++t) {
    opt.zero_grad();
    Rng rng(1000 + t);
    for (auto& p : params) p.accumulate_grad(normal_tensor(p.shape(), 0, 1, rng));
    opt.step();
  }
}

std::vector<Variable> fresh_params() {
  Rng rng(3);
  return {Variable(uniform_tensor({4, 3}, -1, 1, rng), true), Variable(uniform_tensor({7}, -1, 1, rng), true)};
}

class StateRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(StateRoundTrip, TwentyStraightEqualsTenSaveLoadTen) {
  const nlohmann::json spec = nlohmann::json::parse(GetParam());
  auto straight_params = fresh_params();
  auto straight = make_optimizer(spec, straight_params);
  run(*straight, straight_params, 0, 20);

  auto first_params = fresh_params();
  auto first = make_optimizer(spec, first_params);
  run(*first, first_params, 0, 10);
  const OptimizerState saved = first->state_dict();
  // A fresh optimizer over parameters holding the same values, as after loading a checkpoint.
  std::vector<Variable> resumed_params;
  for (auto& p : first_params) resumed_params.emplace_back(p.value(), true);
  auto resumed = make_optimizer(spec, resumed_params);
  resumed->load_state_dict(saved);
  EXPECT_EQ(resumed->step_count(), 10);
  run(*resumed, resumed_params, 10, 10);

  for (size_t i = 0; i < straight_params.size(); ++i)
    EXPECT_TRUE(identical(straight_params[i].value(), resumed_params[i].value())) << "parameter " << i;
}

INSTANTIATE_TEST_SUITE_P(
    All, StateRoundTrip,
    ::testing::Values(R"({"name":"SGD","lr":0.05,"momentum":0.9,"nesterov":true})",
                      R"({"name":"RMSprop","centered":true,"momentum":0.5})", R"({"name":"Adam","amsgrad":true})",
                      R"({"name":"AdamW"})", R"({"name":"Adagrad","lr_decay":0.1})", R"({"name":"Adadelta"})",
                      R"({"name":"keras.SGD","momentum":0.9,"decay":0.01})", R"({"name":"keras.RMSprop","momentum":0.5})",
                      R"({"name":"keras.Adam","amsgrad":true})"));

TEST(OptimizerState, MismatchIsAnErrorAndChangesNothing) {
  auto params = fresh_params();
  auto adam = make_optimizer(nlohmann::json{{"name", "Adam"}}, params);
  run(*adam, params, 0, 2);
  auto sgd = make_optimizer(nlohmann::json{{"name", "SGD"}}, params);
  EXPECT_NE(error_of([&] { sgd->load_state_dict(adam->state_dict()); }).find("optimizer state is for \"Adam\""),
            std::string::npos);
  std::vector<Variable> other{Variable(Tensor({4, 3}), true)};
  auto adam_one = make_optimizer(nlohmann::json{{"name", "Adam"}}, other);
  const std::string e = error_of([&] { adam_one->load_state_dict(adam->state_dict()); });
  EXPECT_NE(e.find("group 0 has 2 parameters, this optimizer's has 1"), std::string::npos) << e;
  EXPECT_EQ(adam_one->step_count(), 0);
}

TEST(OptimizerOptions, InvalidValuesNameTheValue) {
  auto params = fresh_params();
  EXPECT_NE(error_of([&] { Adam(params, {.lr = -1}); }).find("Adam: lr must be non-negative, got -1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { Adam(params, {.beta1 = 1.2}); }).find("Adam: beta1 must be in [0, 1), got 1.2"),
            std::string::npos);
  EXPECT_NE(error_of([&] { SGD(params, {.momentum = 1.5}); }).find("SGD: momentum must be in [0, 1), got 1.5"),
            std::string::npos);
  EXPECT_NE(error_of([&] { SGD(params, {.nesterov = true}); }).find("nesterov requires momentum > 0"),
            std::string::npos);
  EXPECT_NE(error_of([&] { make_optimizer(nlohmann::json::parse(R"({"name":"keras.SGD","momentum":0})"), params); })
                .find("momentum must be a float"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              make_optimizer(nlohmann::json::parse(R"({"name":"Adam","clipnorm":1,"clipvalue":1})"), params);
            }).find("only one of clipnorm, global_clipnorm and clipvalue"),
            std::string::npos);
}

TEST(OptimizerSpec, NamesArgumentsAndBareNames) {
  auto params = fresh_params();
  EXPECT_EQ(make_optimizer(parse_optimizer_spec("adam"), params)->name(), "Adam");
  EXPECT_EQ(make_optimizer(parse_optimizer_spec("sgd"), params)->name(), "SGD");
  EXPECT_EQ(make_optimizer(parse_optimizer_spec("keras.rmsprop"), params)->name(), "keras.RMSprop");
  auto lr = make_optimizer(parse_optimizer_spec(R"({"name":"SGD","lr":0.5})"), params, 0.25);
  EXPECT_DOUBLE_EQ(lr->param_groups()[0].lr, 0.25);
  const std::string unknown = error_of([&] { make_optimizer(parse_optimizer_spec("adamax"), params); });
  EXPECT_NE(unknown.find("unknown optimizer 'adamax' (valid: SGD, RMSprop, Adam, AdamW"), std::string::npos)
      << unknown;
  const std::string arg = error_of([&] { make_optimizer(parse_optimizer_spec(R"({"name":"SGD","mom":0.9})"), params); });
  EXPECT_NE(arg.find("SGD: unknown argument 'mom' (valid: lr, momentum, dampening"), std::string::npos) << arg;
  EXPECT_NE(error_of([&] { parse_optimizer_spec("{\"name\":"); }).find("not valid JSON"), std::string::npos);
}

TEST(GradientClipping, GlobalNormScalesAllTogether) {
  std::vector<Variable> params{Variable(Tensor({2}, {0.0f, 0.0f}), true), Variable(Tensor({1}, {0.0f}), true)};
  auto opt = make_optimizer(nlohmann::json::parse(R"({"name":"SGD","lr":1.0,"global_clipnorm":1.0})"), params);
  params[0].accumulate_grad(Tensor({2}, {3.0f, 0.0f}));
  params[1].accumulate_grad(Tensor({1}, {4.0f}));
  opt->step();  // global norm 5 -> scaled by 1/5
  EXPECT_FLOAT_EQ(params[0].value()[0], -0.6f);
  EXPECT_FLOAT_EQ(params[1].value()[0], -0.8f);
}

}  // namespace
}  // namespace plateau
