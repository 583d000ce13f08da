// Sweeps (interrupted and re-run), compare, report, lr-find and the run charts, through the binary.
#include <gtest/gtest.h>
#include <unistd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "tests/apps/cli_runner.h"

extern char** environ;

namespace plateau {
namespace {

namespace fs = std::filesystem;
using testing::read_file_text;
using testing::run_plateau;

const fs::path& scratch() {
  static const fs::path dir = testing::scratch_dir("plateau_experiments");
  return dir;
}

// Number of points of each <polyline class="series"> in an SVG, by series name.
std::map<std::string, int> series_points(const std::string& svg) {
  std::map<std::string, int> out;
  const std::regex line(R"re(<polyline class="series" data-name="([^"]*)"[^>]*points="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line); it != std::sregex_iterator(); ++it) {
    const std::string points = (*it)[2];
    out[(*it)[1]] = static_cast<int>(std::count(points.begin(), points.end(), ','));
  }
  return out;
}

// The pixel corners of the first <polyline class="series">.
std::vector<std::pair<double, double>> first_series_corners(const std::string& svg) {
  std::smatch m;
  const std::regex line(R"re(<polyline class="series"[^>]*points="([^"]*)")re");
  if (!std::regex_search(svg, m, line)) return {};
  std::vector<std::pair<double, double>> out;
  std::istringstream in(m[1].str());
  double x, y;
  char comma;
  while (in >> x >> comma >> y) out.emplace_back(x, y);
  return out;
}

bool has_label(const std::string& svg, const std::string& cls, const std::string& text) {
  return svg.find("class=\"" + cls + "\"") != std::string::npos && svg.find(">" + text + "</text>") != std::string::npos;
}

const fs::path& sweep_file() {
  static const fs::path f = [] {
    const fs::path p = scratch() / "mini.json";
    std::ofstream(p) << R"({"base": {"model": "mlp", "limit": 512, "batch_size": 64, "epochs": 3},
      "experiments": [{"name": "fixed"},
                      {"name": "plateau", "callbacks": [{"name": "ReduceLROnPlateau", "factor": 0.5, "patience": 1}]},
                      {"name": "step", "schedule": {"name": "StepLR", "step_size": 1, "gamma": 0.5}}]})";
    return p;
  }();
  return f;
}

TEST(Sweep, InterruptedSweepFinishesWithoutRedoingCompletedExperiments) {
  const fs::path dir = scratch() / "sweep";
  const std::string cmd = std::string("exec ") + PLATEAU_BINARY + " sweep --verbose 0 --config " +
                          sweep_file().string() + " --run-dir " + dir.string() + " >/dev/null 2>&1";
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(cmd.c_str()), nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ), 0);
  // SIGTERM once the second experiment has its first checkpoint
  for (int i = 0; i < 3000 && !fs::exists(dir / "plateau" / "checkpoints"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  ASSERT_TRUE(fs::exists(dir / "fixed" / "results.json"));
  EXPECT_FALSE(fs::exists(dir / "plateau" / "results.json"));
  const auto finished_at = fs::last_write_time(dir / "fixed" / "results.json");

  const auto again = run_plateau("sweep --verbose 0 --config " + sweep_file().string() + " --run-dir " + dir.string());
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("[1/3] fixed: finished already, skipped"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("[2/3] plateau: resuming"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(dir / "fixed" / "results.json"), finished_at);
  for (const char* name : {"fixed", "plateau", "step"}) EXPECT_TRUE(fs::exists(dir / name / "results.json")) << name;

  // compare: one row per run, the differing config keys as columns, the best marked
  const auto table = run_plateau("compare " + dir.string());
  ASSERT_EQ(table.status, 0) << table.err;
  for (const char* s : {"fixed", "plateau", "step", "best_val_acc", "test_acc", "lr_changes", "schedule", "callbacks"})
    EXPECT_NE(table.out.find(s), std::string::npos) << s << "\n" << table.out;
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '*'), 2) << table.out;  // the mark and its legend
  EXPECT_EQ(table.out.find("model"), std::string::npos) << "equal keys are not columns\n" << table.out;
  const auto json = run_plateau("compare --format json " + dir.string());
  ASSERT_EQ(json.status, 0);
  EXPECT_EQ(nlohmann::json::parse(json.out).size(), 3u);
  const auto overlay = series_points(read_file_text(dir / "compare_val_accuracy.svg"));
  EXPECT_EQ(overlay, (std::map<std::string, int>{{"fixed", 3}, {"plateau", 3}, {"step", 3}}));

  const auto report = run_plateau("report " + dir.string());
  ASSERT_EQ(report.status, 0) << report.err;
  const std::string html = read_file_text(dir / "report.html");
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<') - 0, 100);
  EXPECT_EQ(html.find("http://") == std::string::npos || html.find("xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos,
            true);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "the report must be self-contained";
}

TEST(RunCharts, SeriesHaveOnePointPerEpochAndLabelledAxes) {
  const fs::path dir = scratch() / "charts";
  const auto r = run_plateau("train --verbose 0 --model mlp --limit 384 --batch-size 64 --epochs 3 --schedule "
                             "'{\"name\":\"StepLR\",\"step_size\":1,\"gamma\":0.5}' --run-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string loss = read_file_text(dir / "loss.svg"), acc = read_file_text(dir / "accuracy.svg"), lr = read_file_text(dir / "lr.svg");
  EXPECT_EQ(series_points(loss), (std::map<std::string, int>{{"loss", 3}, {"val_loss", 3}}));
  EXPECT_EQ(series_points(acc), (std::map<std::string, int>{{"accuracy", 3}, {"val_accuracy", 3}}));
  // lr is drawn in steps: flat within an epoch, each of the 2 changes a vertical segment between two epochs
  EXPECT_EQ(series_points(lr), (std::map<std::string, int>{{"learning rate", 3 + 2 * 2}}));
  const auto corners = first_series_corners(lr);
  int vertical = 0;
  for (size_t i = 1; i < corners.size(); ++i) {
    const bool flat = corners[i].second == corners[i - 1].second, upright = corners[i].first == corners[i - 1].first;
    EXPECT_TRUE(flat || upright) << "segment " << i << " is slanted";
    vertical += upright && !flat;
  }
  EXPECT_EQ(vertical, 2);
  EXPECT_TRUE(has_label(loss, "xlabel", "epoch"));
  EXPECT_TRUE(has_label(loss, "ylabel", "loss"));
  EXPECT_TRUE(has_label(lr, "ylabel", "learning rate"));
  EXPECT_EQ(std::count(lr.begin(), lr.end(), '\n') > 5, true);
  // StepLR changes the lr after each of the 3 epochs; the change after the last one is off the chart
  size_t markers = 0;
  for (size_t at = lr.find("class=\"marker\""); at != std::string::npos; at = lr.find("class=\"marker\"", at + 1)) ++markers;
  EXPECT_EQ(markers, 2u) << "lr changes between epochs are marked";
}

TEST(LrFind, SuggestsAnLrAndWritesTheCurve) {
  const fs::path dir = scratch() / "lrfind";
  const auto r = run_plateau("lr-find --model mlp --limit 2048 --steps 60 --start-lr 1e-6 --end-lr 10 --then one-cycle "
                             "--epochs 5 --run-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::smatch m = [&] {
    std::smatch s;
    std::regex_search(r.out, s, std::regex("suggested max lr: ([0-9.e-]+)"));
    return s;
  }();
  ASSERT_FALSE(m.empty()) << r.out;
  const double lr = std::stod(m[1]);
  EXPECT_GT(lr, 1e-5) << r.out;
  EXPECT_LT(lr, 1.0) << r.out;
  EXPECT_NE(r.out.find("\"name\":\"OneCycleLR\""), std::string::npos) << r.out;
  const auto points = series_points(read_file_text(dir / "lr_find.svg"));
  EXPECT_GE(points.at("loss"), 20);
  EXPECT_EQ(points.at("loss"), points.at("smoothed loss"));
  EXPECT_TRUE(has_label(read_file_text(dir / "lr_find.svg"), "xlabel", "learning rate (log scale)"));
}

// `plateau profile`: one row per model step (the fused first convolution + batch norm + pooling as one, the
// second batch norm + pooling pair as one), a total that accounts for the measured step, and a Chrome trace
// with a forward and a backward span per row and step.
TEST(Profile, TableAccountsForTheStepAndTraceHasEverySpan) {
  const fs::path trace = scratch() / "trace.json";
  const auto r = run_plateau("profile --steps 3 --batch-size 32 --trace " + trace.string());
  ASSERT_EQ(r.status, 0) << r.err;
  // the first three layers are one step where the kernel set has the direct one-channel convolution
  const bool first_fused = ops::conv2d_batch_norm_max_pool2d_applies({1, 1, 28, 28}, {32, 1, 3, 3}, {}, {});
  const char* first = first_fused ? "conv2d + batch_normalization + max_pooling2d (fused)" : "conv2d (Conv2D)";
  for (const char* row : {first, "conv2d_1 (Conv2D)", "batch_normalization_1 + max_pooling2d_1 (fused)",
                          "dense_1 (Dense)", "optimizer", "data"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(total ([0-9.]+) ms per step \(measured step ([0-9.]+) ms)")))
      << r.out;
  const double accounted = std::stod(m[1]), measured = std::stod(m[2]);
  EXPECT_NEAR(accounted, measured, 0.1 * measured) << r.out;
  const auto events = nlohmann::json::parse(read_file_text(trace))["traceEvents"];
  int forward = 0, backward = 0;
  for (const auto& e : events) {
    EXPECT_EQ(e["ph"], "X");
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    forward += e["cat"] == "forward";
    backward += e["cat"] == "backward";
  }
  // seed-cnn runs 9 steps (a fused triple, a fused pair; else 10: two fused pairs); 3 profiled training
  // steps; the loss adds one forward span
  const int steps = first_fused ? 9 : 10;
  EXPECT_EQ(forward, 3 * (steps + 1));
  EXPECT_EQ(backward, 3 * steps);
}

}  // namespace
}  // namespace plateau
