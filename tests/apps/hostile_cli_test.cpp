// Careless hands and hostile files, through the binary: no run is silently lost (a run directory is
// never overwritten by accident, is locked while written, and keeps only error.log when a run fails
// before any progress); a NaN loss ends the run with exit 3 and its charts; values out of range, files
// that are not regular, and unreadable run files are one line and exit 2.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/apps/cli_runner.h"

extern char** environ;

namespace plateau {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::read_file_text;
using testing::run_plateau;

const fs::path& scratch() {
  static const fs::path dir = testing::scratch_dir("plateau_hostile");
  return dir;
}

const std::string kTiny = " --model mlp --limit 300 --epochs 1 --batch-size 50 --verbose 0 --threads 1";

void expect_one_line(const CliResult& r, int status, const std::string& expected, const std::string& what) {
  EXPECT_EQ(r.status, status) << what << ": " << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << what << " printed: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << " printed: " << r.err;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RunDirectory, AnEarlierRunIsNeverOverwrittenByAccident) {
  const fs::path dir = scratch() / "kept";
  ASSERT_EQ(run_plateau("train" + kTiny + " --run-dir " + dir.string()).status, 0);
  const std::string weights = read_file_text(dir / "final.safetensors");
  const CliResult again = run_plateau("train" + kTiny + " --seed 7 --run-dir " + dir.string());
  expect_one_line(again, 2, "already holds a run; continue it with --resume " + dir.string() +
                                ", or start over with --overwrite", "a second train into it");
  EXPECT_EQ(read_file_text(dir / "final.safetensors"), weights) << "the earlier run was touched";

  ASSERT_EQ(run_plateau("train" + kTiny + " --seed 7 --overwrite --run-dir " + dir.string()).status, 0);
  EXPECT_NE(read_file_text(dir / "final.safetensors"), weights) << "--overwrite starts over";

  const fs::path other = scratch() / "not_a_run";
  fs::create_directories(other);
  std::ofstream(other / "notes.txt") << "mine";
  expect_one_line(run_plateau("train" + kTiny + " --overwrite --run-dir " + other.string()), 2,
                  "is not a plateau run directory", "--overwrite of a directory that is not a run's");
  EXPECT_TRUE(fs::exists(other / "notes.txt"));
}

TEST(RunDirectory, ASecondProcessGetsOneLineWhileTheFirstWrites) {
  const fs::path dir = scratch() / "locked";
  const std::string cmd = std::string("exec ") + PLATEAU_BINARY + " train --model mlp --limit 3000 --epochs 50 " +
                          "--verbose 0 --threads 1 --run-dir " + dir.string() + " >/dev/null 2>&1";
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(cmd.c_str()), nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ), 0);
  for (int i = 0; i < 6000 && !fs::exists(dir / "checkpoints"); ++i)  // claimed: run.json, then checkpoints/
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const CliResult second = run_plateau("train" + kTiny + " --overwrite --run-dir " + dir.string());
  const CliResult resume = run_plateau("train --verbose 0 --resume " + dir.string());
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  expect_one_line(second, 2, "is in use by another plateau process", "--overwrite while another writes");
  expect_one_line(resume, 2, "is in use by another plateau process", "--resume while another writes");
}

TEST(RunDirectory, AFailureBeforeAnyProgressLeavesOnlyItsLog) {
  // Five outputs for ten classes: the first batch's loss fails on label 5 and up, after the directory is claimed.
  const fs::path dir = scratch() / "failed";
  const std::string model = " --model '[{\"type\":\"Flatten\"},{\"type\":\"Dense\",\"units\":5,\"activation\":\"softmax\"}]'";
  const CliResult r = run_plateau("train" + kTiny + model + " --run-dir " + dir.string());
  expect_one_line(r, 2, "is not an integer in [0, 5)", "a run failing at its first batch");
  ASSERT_TRUE(fs::exists(dir));
  EXPECT_EQ(entries(dir), std::vector<std::string>{"error.log"});
  EXPECT_NE(read_file_text(dir / "error.log").find("is not an integer in [0, 5)"), std::string::npos);
  EXPECT_EQ(run_plateau("train" + kTiny + " --run-dir " + dir.string()).status, 0) << "a failed start is no run to keep";
  EXPECT_TRUE(fs::exists(dir / "final.safetensors"));
}

TEST(Train, ANaNLossEndsTheRunWithExitThreeAndItsCharts) {
  const fs::path dir = scratch() / "nan";
  const CliResult r = run_plateau("train" + kTiny + " --optimizer '{\"name\":\"SGD\",\"lr\":1e9}' --run-dir " +
                                  dir.string());
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("the loss became"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("try a lower --lr"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir / "metrics.csv"));
  EXPECT_TRUE(fs::exists(dir / "lr.svg"));
  EXPECT_FALSE(fs::exists(dir / "results.json")) << "a run that ended in NaN has no results";
}

TEST(Train, AZeroLearningRateStillHasItsCharts) {
  const fs::path dir = scratch() / "lr0";
  const CliResult r = run_plateau("train" + kTiny + " --lr 0 --run-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string lr = read_file_text(dir / "lr.svg");
  EXPECT_NE(lr.find("</svg>"), std::string::npos);
  EXPECT_LT(lr.size(), 100000u);
}

TEST(TrainCliErrors, ValuesOutOfRangeAreOneLineAndNothingIsWritten) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--epochs 0", "--epochs must be a positive integer, got 0"},
      {"--threads -3", "--threads must be non-negative, got -3"},
      {"--seed -1", "--seed must be non-negative, got -1"},
      {"--batch-size 0", "--batch-size must be a positive integer, got 0"},
      {"--validation-split 1", "--validation-split must be a number in [0, 1)"},
      {"--lr nan", "--lr must be a finite number"},
      {"--epochs 1e3", "--epochs: '1e3' is not an integer"},
      {"--callbacks '[{\"name\":\"ModelCheckpoint\",\"filepath\":\"" + (scratch() / "a_file" / "w.safetensors").string() +
           "\"}]'",
       "is not a directory"},
  };
  std::ofstream(scratch() / "a_file") << "in the way";
  int i = 0;
  for (const auto& [args, expected] : cases) {
    const fs::path dir = scratch() / ("bad" + std::to_string(i++));
    expect_one_line(run_plateau("train" + kTiny + " " + args + " --run-dir " + dir.string()), 2, expected, args);
    EXPECT_FALSE(fs::exists(dir)) << args << " left a run directory";
  }
  expect_one_line(run_plateau("train" + kTiny + " --run-dir " + (scratch() / "a_file" / "run").string()), 2,
                  "cannot create directory", "a run directory under a file");
}

TEST(HostileFiles, ReadersGiveOneLineAndExitTwo) {
  const fs::path run = scratch() / "run_files";
  fs::create_directories(run);
  std::ofstream(run / "run.json") << R"({"config": {"epochs": 1}, "versions": {}})";
  std::ofstream(run / "metrics.csv") << "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds\n0,abc,0.5,1,0.5,0.001,1\n";
  const fs::path run2 = scratch() / "run_files2";
  fs::create_directories(run2);
  std::ofstream(run2 / "run.json") << R"({"config": {"epochs": 1}, "versions": {}})";
  std::ofstream(run2 / "results.json") << R"({"test_accuracy": "x"})";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"evaluate --weights /dev/zero", "'/dev/zero' is not a regular file"},
      {"evaluate --weights " + scratch().string(), "is not a regular file"},
      {"schedule --spec '{\"name\":\"StepLR\",\"step_size\":2}' --steps 2000000000", "--steps must be at most 10000000"},
      {"compare " + run.string(), "metrics.csv row 2 column loss: 'abc' is not a number"},
      {"report " + run2.string(), "results.json: test_accuracy must be a number, got \"x\""},
      {"replay --callbacks '[{\"name\":\"ReduceLROnPlateau\",\"factor\":\"x\"}]' --metrics 'val_loss=1,2'",
       "ReduceLROnPlateau: factor must be a number, got \"x\""},
      {"train --config " + (run / "metrics.csv").string(), "is not valid JSON"},
      {"trian", "unknown command 'trian'; did you mean 'train'?"},
  };
  for (const auto& [args, expected] : cases) expect_one_line(run_plateau(args), 2, expected, args);
}

}  // namespace
}  // namespace plateau
