// Exact resume: a run interrupted and resumed equals the uninterrupted one bit for bit (final weights,
// metrics.csv without its wall-time column, the lr trajectory), at an epoch boundary and mid-epoch,
// with ReduceLROnPlateau, EarlyStopping and a per-batch OneCycleLR active; `kill -9` at random moments
// never loses a run; corrupt checkpoints are refused or skipped.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/apps/cli_runner.h"

extern char** environ;

namespace plateau {
namespace {

namespace fs = std::filesystem;
using testing::read_file_text;
using testing::rows_without_seconds;
using testing::run_plateau;
using testing::shell_quote;

const fs::path& scratch() {
  static const fs::path dir = testing::scratch_dir("plateau_resume");
  return dir;
}

// 512 images, batch 32: 13 training steps an epoch, 4 epochs, everything stateful switched on.
const std::string kRun =
    "train --limit 512 --epochs 4 --batch-size 32 --verbose 0 --threads 2 "
    "--optimizer '{\"name\":\"SGD\",\"lr\":0.01,\"momentum\":0.9}' "
    "--schedule '{\"name\":\"OneCycleLR\",\"max_lr\":0.05,\"total_steps\":60}' "
    "--callbacks " +
    shell_quote(R"([{"name":"ReduceLROnPlateau","patience":1,"factor":0.5},
                    {"name":"EarlyStopping","patience":3,"restore_best_weights":true},
                    {"name":"ModelCheckpoint","filepath":"best.safetensors","save_best_only":true}])");

const fs::path& reference() {
  static const fs::path dir = [] {
    const fs::path d = scratch() / "reference";
    const auto r = run_plateau(kRun + " --run-dir " + d.string());
    EXPECT_EQ(r.status, 0) << r.err;
    return d;
  }();
  return dir;
}

void expect_same_as_reference(const fs::path& dir) {
  const fs::path& ref = reference();
  EXPECT_EQ(read_file_text(dir / "final.safetensors"), read_file_text(ref / "final.safetensors")) << "final weights differ";
  EXPECT_EQ(read_file_text(dir / "best.safetensors"), read_file_text(ref / "best.safetensors")) << "best checkpoint differs";
  EXPECT_EQ(rows_without_seconds(read_file_text(dir / "metrics.csv")), rows_without_seconds(read_file_text(ref / "metrics.csv")));
  const auto a = nlohmann::json::parse(read_file_text(dir / "results.json")), b = nlohmann::json::parse(read_file_text(ref / "results.json"));
  EXPECT_EQ(a["lr_changes"], b["lr_changes"]);
  EXPECT_EQ(a["test_accuracy"], b["test_accuracy"]);
}

TEST(Resume, AtAnEpochBoundaryEqualsTheUninterruptedRun) {
  const fs::path dir = scratch() / "epoch";
  const auto first = run_plateau(kRun + " --run-dir " + dir.string() + " --stop-after-batches 26");  // 2 epochs
  ASSERT_EQ(first.status, 130) << first.err;
  EXPECT_NE(first.err.find("plateau train --resume " + dir.string()), std::string::npos) << first.err;
  const auto second = run_plateau("train --verbose 0 --resume " + dir.string());
  ASSERT_EQ(second.status, 0) << second.err;
  expect_same_as_reference(dir);
}

TEST(Resume, MidEpochEqualsTheUninterruptedRun) {
  const fs::path dir = scratch() / "mid";
  const auto first =
      run_plateau(kRun + " --run-dir " + dir.string() + " --stop-after-batches 19 --checkpoint-every-batches 4");
  ASSERT_EQ(first.status, 130) << first.err;
  const auto second = run_plateau("train --verbose 0 --resume " + dir.string());
  ASSERT_EQ(second.status, 0) << second.err;
  expect_same_as_reference(dir);
}

TEST(Resume, ConflictingOptionsAreRefusedWithTheDifferingKeys) {
  const fs::path dir = scratch() / "conflict";
  ASSERT_EQ(run_plateau(kRun + " --run-dir " + dir.string() + " --stop-after-batches 5").status, 130);
  const auto r = run_plateau("train --resume " + dir.string() + " --epochs 6 --batch-size 64");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("epochs (run: 4, given: 6)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("batch_size (run: 32, given: 64)"), std::string::npos) << r.err;
  EXPECT_EQ(run_plateau("train --verbose 0 --resume " + dir.string() + " --epochs 4").status, 0);  // repeating is fine
}

// The dtype policy is part of the run: a mixed_bfloat16 run resumes exactly, in mixed_bfloat16, and
// resuming it as float32 is refused.
TEST(Resume, MixedBFloat16ResumesExactlyAndKeepsItsPolicy) {
  const std::string run = "train --limit 300 --epochs 3 --batch-size 50 --verbose 0 --dtype-policy mixed_bfloat16";
  const fs::path whole = scratch() / "bf16-whole", parts = scratch() / "bf16-parts";
  ASSERT_EQ(run_plateau(run + " --run-dir " + whole.string()).status, 0);
  ASSERT_EQ(run_plateau(run + " --run-dir " + parts.string() + " --stop-after-batches 9").status, 130);
  const auto refused = run_plateau("train --verbose 0 --resume " + parts.string() + " --dtype-policy float32");
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("dtype_policy (run: \"mixed_bfloat16\", given: \"float32\")"), std::string::npos)
      << refused.err;
  ASSERT_EQ(run_plateau("train --verbose 0 --resume " + parts.string()).status, 0);
  EXPECT_EQ(read_file_text(parts / "final.safetensors"), read_file_text(whole / "final.safetensors"));
  EXPECT_EQ(rows_without_seconds(read_file_text(parts / "metrics.csv")),
            rows_without_seconds(read_file_text(whole / "metrics.csv")));
  const auto config = nlohmann::json::parse(read_file_text(whole / "run.json"))["config"];
  EXPECT_EQ(config["dtype_policy"], "mixed_bfloat16");
}

TEST(Resume, CorruptNewestFallsBackAllCorruptIsAnError) {
  const fs::path dir = scratch() / "corrupt";
  ASSERT_EQ(run_plateau(kRun + " --run-dir " + dir.string() + " --stop-after-batches 30").status, 130);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "checkpoints")) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 2u);  // keep_last 2
  auto flip = [](const fs::path& p, size_t at) {
    std::string bytes = read_file_text(p);
    bytes[at % bytes.size()] ^= 0x5a;
    std::ofstream(p, std::ios::binary) << bytes;
  };
  const fs::path copy = scratch() / "corrupt_copy";
  fs::copy(dir, copy, fs::copy_options::recursive);
  flip(files[1], 5000);
  const auto fallback = run_plateau("train --verbose 0 --resume " + dir.string());
  EXPECT_EQ(fallback.status, 0) << fallback.err;
  EXPECT_NE(fallback.err.find("warning: checkpoint '" + files[1].string() + "': checksum mismatch"), std::string::npos)
      << fallback.err;
  expect_same_as_reference(dir);

  for (const auto& e : fs::directory_iterator(copy / "checkpoints")) flip(e.path(), 100);
  const auto none = run_plateau("train --resume " + copy.string());
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("no complete checkpoint"), std::string::npos) << none.err;
  EXPECT_EQ(std::count(none.err.begin(), none.err.end(), '\n'), 1) << none.err;
}

pid_t spawn_plateau(const std::string& args) {
  const std::string cmd = std::string("exec ") + PLATEAU_BINARY + " " + args + " >/dev/null 2>&1";
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(cmd.c_str()), nullptr};
  EXPECT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ), 0);
  return pid;
}

// The property is proven by the number of trials, never by how many fit in a time: a busy machine makes
// each trial slower, not fewer.
TEST(Resume, KillNineAtRandomMomentsNeverLosesTheRun) {
  std::mt19937 rng(20261122);
  constexpr int kTrials = 8;
  for (int trials = 0; trials < kTrials; ++trials) {
    const fs::path dir = scratch() / ("kill" + std::to_string(trials));
    const pid_t pid = spawn_plateau(kRun + " --checkpoint-every-batches 3 --run-dir " + dir.string());
    // wait for the first checkpoint file (written before the first batch; 120 s only to catch a hang),
    // then kill at a random moment
    auto has_checkpoint = [&] {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir / "checkpoints", ec))
        if (e.path().filename().string().rfind("ckpt-", 0) == 0) return true;
      return false;
    };
    for (int i = 0; i < 12000 && !has_checkpoint(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1500)(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const auto r = run_plateau("train --verbose 0 --resume " + dir.string());
    ASSERT_EQ(r.status, 0) << "trial " << trials << ": " << r.err;
    expect_same_as_reference(dir);
    if (HasFailure()) FAIL() << "trial " << trials;
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace plateau
