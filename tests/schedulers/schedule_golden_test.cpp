// Every schedule against golden tables from torch.optim.lr_scheduler (1e-9 relative) and from the
// Keras formulas of keras_semantics.md §8 (1e-6), driven through Scheduler / ReduceLROnPlateau and a
// real optimizer as training drives them.
#include <gtest/gtest.h>

#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/schedulers/scheduler.h"
#include "tests/support/golden_schedules.h"

namespace plateau {
namespace {

class ScheduleGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ScheduleGolden, EveryStepMatches) {
  const nlohmann::json& c = testing::golden_schedule(GetParam());
  const double lr = c["lr"];
  const nlohmann::json opt_spec =
      c["optimizer"].is_null() ? nlohmann::json{{"name", "SGD"}, {"lr", lr}, {"momentum", 0.9}} : c["optimizer"];
  std::vector<Variable> params{Variable(Tensor({1}), true)};
  auto opt = make_optimizer(opt_spec, params);
  const auto& rows = c["rows"];
  if (is_plateau_spec(c["spec"])) {
    ReduceLROnPlateau plateau(*opt, plateau_options(c["spec"]));
    for (size_t t = 0; t < rows.size(); ++t) {
      testing::expect_schedule_value(opt->param_groups()[0].lr, rows[t][0], c, "lr at step " + std::to_string(t));
      plateau.step(c["metrics"][t]);
    }
    return;
  }
  Scheduler sched(make_schedule(c["spec"]), *opt);
  for (size_t t = 0; t < rows.size(); ++t) {
    const ParamGroup& g = opt->param_groups()[0];
    testing::expect_schedule_value(g.lr, rows[t][0], c, "lr at step " + std::to_string(t));
    if (rows[t].size() > 1)
      testing::expect_schedule_value(opt->uses_beta1() ? g.beta1 : g.momentum, rows[t][1], c,
                                     "momentum at step " + std::to_string(t));
    sched.step();
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, ScheduleGolden, ::testing::ValuesIn(testing::golden_schedule_names()),
                         [](const auto& info) { return info.param; });

TEST(ScheduleGolden, CoversEveryPyTorchSchedule) {
  std::set<std::string> names;
  std::function<void(const nlohmann::json&)> visit = [&](const nlohmann::json& spec) {
    names.insert(spec["name"].get<std::string>());
    if (spec.contains("schedulers"))
      for (const auto& child : spec["schedulers"]) visit(child);
  };
  for (const auto& c : testing::golden_schedules()) visit(c["spec"]);
  for (const auto& n : schedule_names()) EXPECT_TRUE(names.count(n)) << n << " has no golden table";
  EXPECT_GE(testing::golden_schedules().size(), 25u);
}

}  // namespace
}  // namespace plateau
