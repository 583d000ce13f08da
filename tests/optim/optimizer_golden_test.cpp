// Optimizers against golden trajectories (tests/fixtures/make_optimizer_fixtures.py): PyTorch's
// torch.optim for the PyTorch-convention ones, the Keras reference for keras.*; every one of the
// 50 steps within 1e-6 relative.
#include <gtest/gtest.h>

#include "plateau/core/error.h"
#include "plateau/optim/optimizer_spec.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

Tensor step_of(const Tensor& seq, int64_t t) {  // row t of a (T, ...) tensor
  std::vector<int64_t> dims(seq.shape().dims().begin() + 1, seq.shape().dims().end());
  const Shape shape(dims);
  Tensor out(shape);
  for (int64_t i = 0; i < out.numel(); ++i) out[i] = seq[t * out.numel() + i];
  return out;
}

class OptimizerGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(OptimizerGolden, FiftyStepsMatch) {
  const auto f = testing::load_fixture("optimizers", GetParam());
  Variable p(f.at("p0"), true), q(f.at("q0"), true);
  auto opt = make_optimizer(nlohmann::json::parse(f.metadata.at("spec")), {p, q});
  const int64_t change_at = f.metadata.count("lr_change_step") ? std::stoll(f.metadata.at("lr_change_step")) : -1;
  const int64_t steps = f.at("gp").dim(0);
  double worst = 0.0;
  for (int64_t t = 0; t < steps; ++t) {
    if (t == change_at) opt->param_groups()[0].lr = std::stod(f.metadata.at("lr_change_value"));
    opt->zero_grad();
    p.accumulate_grad(step_of(f.at("gp"), t));
    q.accumulate_grad(step_of(f.at("gq"), t));
    opt->step();
    const double ep = testing::relative_error(p.value(), step_of(f.at("tp"), t));
    const double eq = testing::relative_error(q.value(), step_of(f.at("tq"), t));
    ASSERT_LE(ep, 1e-6) << "p after step " << t + 1;
    ASSERT_LE(eq, 1e-6) << "q after step " << t + 1;
    worst = std::max({worst, ep, eq});
  }
  EXPECT_EQ(opt->step_count(), steps);
  RecordProperty("worst_relative_error", std::to_string(worst));
}

INSTANTIATE_TEST_SUITE_P(
    PyTorch, OptimizerGolden,
    ::testing::Values("sgd", "sgd_momentum_dampening_wd", "sgd_nesterov_wd", "sgd_momentum_lr_change", "rmsprop",
                      "rmsprop_centered_momentum_wd", "rmsprop_alpha_eps_momentum", "adam", "adam_amsgrad_wd_betas",
                      "adam_lr_change", "adamw", "adamw_amsgrad", "adagrad", "adadelta", "adadelta_rho_wd"),
    [](const auto& info) { return std::string(info.param); });

INSTANTIATE_TEST_SUITE_P(Keras, OptimizerGolden,
                         ::testing::Values("keras_sgd", "keras_sgd_momentum", "keras_sgd_nesterov_wd",
                                           "keras_sgd_momentum_lr_change", "keras_sgd_legacy_decay",
                                           "keras_sgd_clipvalue", "keras_rmsprop", "keras_rmsprop_centered_momentum",
                                           "keras_adam", "keras_adam_amsgrad_clipnorm",
                                           "keras_adam_global_clipnorm_decay"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace plateau
