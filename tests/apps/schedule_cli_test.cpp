// `plateau schedule --format csv` for every golden case equals the golden table, and bad input is one
// line with exit code 2. Runs the built binary (PLATEAU_BINARY).
#include <gtest/gtest.h>

#include <sstream>

#include "plateau/core/error.h"
#include "tests/apps/cli_runner.h"
#include "tests/support/golden_schedules.h"

namespace plateau {
namespace {

using testing::CliResult;
using testing::run_plateau;
using testing::shell_quote;

class ScheduleCli : public ::testing::TestWithParam<std::string> {};

TEST_P(ScheduleCli, CsvEqualsGoldenTable) {
  const nlohmann::json& c = testing::golden_schedule(GetParam());
  std::string args = "schedule --format csv --spec " + shell_quote(c["spec"].dump()) + " --steps " +
                     std::to_string(c["steps"].get<int>()) + " --lr " + std::to_string(c["lr"].get<double>());
  if (!c["optimizer"].is_null()) args += " --optimizer " + shell_quote(c["optimizer"].dump());
  if (!c["metrics"].is_null()) {
    std::vector<std::string> values;
    for (const auto& v : c["metrics"]) values.push_back(std::to_string(v.get<double>()));
    args += " --metrics " + join(values, ",");
  }
  const CliResult r = run_plateau(args);
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);
  const auto& rows = c["rows"];
  EXPECT_EQ(line, rows[0].size() > 1 ? "step,lr,momentum" : "step,lr");
  size_t t = 0;
  while (std::getline(in, line)) {
    ASSERT_LT(t, rows.size());
    std::istringstream fields(line);
    std::string step, lr, momentum;
    std::getline(fields, step, ',');
    std::getline(fields, lr, ',');
    EXPECT_EQ(std::stoul(step), t);
    testing::expect_schedule_value(std::stod(lr), rows[t][0], c, "lr at step " + step);
    if (rows[t].size() > 1) {
      std::getline(fields, momentum, ',');
      testing::expect_schedule_value(std::stod(momentum), rows[t][1], c, "momentum at step " + step);
    }
    ++t;
  }
  EXPECT_EQ(t, rows.size());
}

INSTANTIATE_TEST_SUITE_P(Golden, ScheduleCli, ::testing::ValuesIn(testing::golden_schedule_names()),
                         [](const auto& info) { return info.param; });

TEST(ScheduleCliErrors, OneLineAndExitCodeTwo) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"schedule --spec '{\"name\":\"Nope\"}' --steps 3", "unknown schedule 'Nope'"},
      {"schedule --spec '{\"name\":\"StepLR\"}' --steps 3", "missing required argument 'step_size'"},
      {"schedule --spec '{\"name\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":5}' --steps 7",
       "total steps is 5"},
      {"schedule --spec '{\"name\":\"StepLR\",\"step_size\":2}' --steps -1", "--steps must be non-negative, got -1"},
      {"schedule --spec '{\"name\":\"ReduceLROnPlateau\"}' --steps 3 --metrics 1,2", "--metrics has 2 values"},
      {"schedule --spec '{\"name\":' --steps 3", "not valid JSON"},
      {"schedule --spec '{\"name\":\"StepLR\",\"step_size\":2}' --steps 3 --format pdf", "--format"},
  };
  for (const auto& [args, expected] : cases) {
    const CliResult r = run_plateau(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(expected), std::string::npos) << args << " printed: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << " printed: " << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

TEST(ScheduleCli, SvgHasTheCurveAndLabels) {
  const CliResult r = run_plateau("schedule --format svg --steps 50 --spec '{\"name\":\"OneCycleLR\",\"max_lr\":0.1,\"total_steps\":50}'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<svg"), std::string::npos);
  EXPECT_NE(r.out.find("OneCycleLR"), std::string::npos);
  EXPECT_NE(r.out.find(">step</text>"), std::string::npos);
  EXPECT_NE(r.out.find(">learning rate</text>"), std::string::npos);
  const auto points_at = r.out.find("points=\"");
  ASSERT_NE(points_at, std::string::npos);
  const std::string points = r.out.substr(points_at + 8, r.out.find('"', points_at + 8) - points_at - 8);
  EXPECT_EQ(std::count(points.begin(), points.end(), ','), 50);
}

}  // namespace
}  // namespace plateau
