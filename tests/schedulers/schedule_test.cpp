// Schedule behaviour beyond the tables: errors, units, state, the expression library.
#include <gtest/gtest.h>

#include "plateau/core/error.h"
#include "tests/support/error_of.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/expression.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/schedulers/scheduler.h"

namespace plateau {
namespace {

using testing::error_of;

TEST(ScheduleSpec, ErrorsNameTheProblem) {
  EXPECT_NE(error_of([] { make_schedule(parse_schedule_spec(R"({"name":"StepLRR"})")); })
                .find("unknown schedule 'StepLRR' (valid: StepLR, MultiStepLR"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_schedule(parse_schedule_spec(R"({"name":"StepLR"})")); })
                .find("StepLR: missing required argument 'step_size'"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_schedule(parse_schedule_spec(R"({"name":"StepLR","step_size":0})")); })
                .find("step_size must be a positive integer, got 0"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_schedule(parse_schedule_spec(R"({"name":"StepLR","step":3})")); })
                .find("unknown argument 'step' (valid: step_size, gamma, name, unit)"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_schedule(parse_schedule_spec(R"({"name":"LambdaLR","lr_lambda":"0.9^^epoch"})")); })
                .find("expression '0.9^^epoch'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_schedule_spec("{nope"); }).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of([] {
              make_schedule(parse_schedule_spec(R"({"name":"SequentialLR","schedulers":[{"name":"LinearLR"}],
                                                    "milestones":[3]})"));
            }).find("expected 0 milestones for 1 schedulers, got 1"),
            std::string::npos);
}

TEST(ScheduleSpec, UnitsDefaultAndOverride) {
  EXPECT_EQ(make_schedule(parse_schedule_spec(R"({"name":"StepLR","step_size":2})"))->unit(), ScheduleUnit::Epoch);
  EXPECT_EQ(make_schedule(parse_schedule_spec(R"({"name":"OneCycleLR","max_lr":1,"total_steps":5})"))->unit(),
            ScheduleUnit::Batch);
  EXPECT_EQ(make_schedule(parse_schedule_spec(R"({"name":"StepLR","step_size":2,"unit":"batch"})"))->unit(),
            ScheduleUnit::Batch);
}

TEST(Scheduler, OneCyclePastTotalStepsIsAnError) {
  std::vector<Variable> params{Variable(Tensor({1}), true)};
  auto opt = make_optimizer(parse_optimizer_spec(R"({"name":"SGD","lr":0.1,"momentum":0.9})"), params);
  Scheduler s(make_schedule(parse_schedule_spec(R"({"name":"OneCycleLR","max_lr":0.1,"total_steps":3})")), *opt);
  s.step();
  s.step();
  s.step();
  EXPECT_NE(error_of([&] { s.step(); }).find("tried to step 4 times; the specified number of total steps is 3"),
            std::string::npos);
}

TEST(Scheduler, CyclingMomentumNeedsAnOptimizerWithMomentum) {
  std::vector<Variable> params{Variable(Tensor({1}), true)};
  auto opt = make_optimizer(parse_optimizer_spec("adagrad"), params);
  EXPECT_NE(error_of([&] {
              Scheduler(make_schedule(parse_schedule_spec(R"({"name":"OneCycleLR","max_lr":0.1,"total_steps":3})")),
                        *opt);
            }).find("has no momentum or beta1 to cycle"),
            std::string::npos);
}

TEST(Scheduler, StateIsTheStepCount) {
  std::vector<Variable> params{Variable(Tensor({1}), true)};
  auto a = make_optimizer(parse_optimizer_spec(R"({"name":"SGD","lr":0.1})"), params);
  auto b = make_optimizer(parse_optimizer_spec(R"({"name":"SGD","lr":0.1})"), params);
  const auto spec = parse_schedule_spec(R"({"name":"CosineAnnealingWarmRestarts","T_0":3,"T_mult":2})");
  Scheduler sa(make_schedule(spec), *a), sb(make_schedule(spec), *b);
  for (int i = 0; i < 7; ++i) sa.step();
  const nlohmann::json state = sa.state_dict();
  sb.load_state_dict(JsonField(state, "scheduler state"));
  EXPECT_EQ(a->param_groups()[0].lr, b->param_groups()[0].lr);
  sa.step();
  sb.step();
  EXPECT_EQ(a->param_groups()[0].lr, b->param_groups()[0].lr);
}

TEST(Expression, EvaluatesWithVariables) {
  Expression e("epoch > 10 ? lr * 0.9 : lr", {"epoch", "lr"});
  EXPECT_DOUBLE_EQ(e({{"epoch", 3}, {"lr", 0.5}}), 0.5);
  EXPECT_DOUBLE_EQ(e({{"epoch", 11}, {"lr", 0.5}}), 0.45);
  EXPECT_DOUBLE_EQ(Expression("0.95^epoch", {"epoch"})({{"epoch", 2}}), 0.95 * 0.95);
  EXPECT_THROW(Expression("foo(epoch)", {"epoch"}), Error);
}

}  // namespace
}  // namespace plateau
