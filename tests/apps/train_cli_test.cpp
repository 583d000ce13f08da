// End to end through the binary: a short run learns, writes its files, and is reproducible; bad input
// is one line, exit code 2, and leaves no run directory behind. Also evaluate, predict and replay.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/apps/cli_runner.h"

namespace plateau {
namespace {

namespace fs = std::filesystem;
using testing::read_file_text;
using testing::rows_without_seconds;
using testing::run_plateau;
using testing::shell_quote;

const fs::path& scratch() {
  static const fs::path dir = testing::scratch_dir("plateau_train_cli");
  return dir;
}

const std::string kShortRun = " --limit 600 --epochs 2 --batch-size 32 --verbose 2 --threads 2";

TEST(TrainCli, ShortRunLearnsWritesFilesAndRepeatsExactly) {
  const fs::path a = scratch() / "a", b = scratch() / "b";
  const auto ra = run_plateau("train" + kShortRun + " --run-dir " + a.string() +
                              " --callbacks '[{\"name\":\"ModelCheckpoint\",\"filepath\":\"ckpt-{epoch:02d}.safetensors\"}]'");
  ASSERT_EQ(ra.status, 0) << ra.err;
  for (const char* f : {"run.json", "metrics.csv", "results.json", "final.safetensors", "ckpt-01.safetensors",
                        "ckpt-02.safetensors"})
    EXPECT_TRUE(fs::exists(a / f)) << f;
  EXPECT_NE(ra.out.find("Epoch 2/2"), std::string::npos) << ra.out;
  EXPECT_NE(ra.out.find("Test: loss"), std::string::npos) << ra.out;

  const auto rows = rows_without_seconds(read_file_text(a / "metrics.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"}));
  const double loss0 = std::stod(rows[1][1]), loss1 = std::stod(rows[2][1]);
  EXPECT_LT(loss1, loss0) << "training loss did not fall";
  EXPECT_LT(loss1, 1.5);
  // lr as Keras logs it, a float32 variable's value, whether or not a callback changes it
  EXPECT_EQ(std::stod(rows[1][5]), static_cast<double>(0.001f));

  const nlohmann::json run = nlohmann::json::parse(read_file_text(a / "run.json"));
  EXPECT_EQ(run["config"]["seed"], 42);
  EXPECT_EQ(run["threads"], 2);
  EXPECT_EQ(run["resolved"]["train_samples"], 600);
  const nlohmann::json results = nlohmann::json::parse(read_file_text(a / "results.json"));
  EXPECT_EQ(results["epochs_run"], 2);
  // (30 steps leave BatchNormalization's moving statistics, momentum 0.99, far from the data's, so the
  // inference-mode test accuracy of so short a run says little; the full run is checked by hand.)
  EXPECT_GE(results["test_accuracy"].get<double>(), 0.0);
  EXPECT_LE(results["test_accuracy"].get<double>(), 1.0);

  const auto rb = run_plateau("train" + kShortRun + " --run-dir " + b.string());
  ASSERT_EQ(rb.status, 0) << rb.err;
  EXPECT_EQ(rows_without_seconds(read_file_text(b / "metrics.csv")), rows) << "same seed and threads, different metrics";
}

TEST(TrainCli, ConfigFileAndEvaluatePredictReplay) {
  const fs::path dir = scratch() / "cfg";
  const fs::path config = scratch() / "config.json";
  std::ofstream(config) << R"({"model":"mlp","optimizer":{"name":"SGD","lr":0.05,"momentum":0.9},
    "epochs":2,"limit":400,"batch_size":50,"verbose":2,
    "callbacks":[{"name":"ReduceLROnPlateau","monitor":"val_loss","factor":0.5,"patience":1},
                 {"name":"EarlyStopping","monitor":"val_loss","patience":3,"restore_best_weights":true},
                 {"name":"ModelCheckpoint","filepath":"best.safetensors","monitor":"val_accuracy","save_best_only":true}]})";
  const auto r = run_plateau("train --config " + config.string() + " --run-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "best.safetensors"));
  const nlohmann::json run = nlohmann::json::parse(read_file_text(dir / "run.json"));
  EXPECT_EQ(run["resolved"]["optimizer"]["name"], "SGD");
  EXPECT_EQ(run["config"]["callbacks"].size(), 3u);

  const auto ev = run_plateau("evaluate --json --limit 300 --weights " + (dir / "final.safetensors").string());
  ASSERT_EQ(ev.status, 0) << ev.err;
  const nlohmann::json e = nlohmann::json::parse(ev.out);
  EXPECT_EQ(e["samples"], 300);
  EXPECT_GT(e["accuracy"].get<double>(), 0.2);

  const auto pr = run_plateau("predict --limit 5 --weights " + (dir / "final.safetensors").string());
  ASSERT_EQ(pr.status, 0) << pr.err;
  EXPECT_EQ(pr.out.rfind("index,label,predicted,p0,", 0), 0u);
  EXPECT_EQ(std::count(pr.out.begin(), pr.out.end(), '\n'), 6);

  const auto rp = run_plateau("replay --json --log " + (dir / "metrics.csv").string() +
                              " --callbacks '[{\"name\":\"EarlyStopping\",\"patience\":1}]'");
  ASSERT_EQ(rp.status, 0) << rp.err;
  const nlohmann::json j = nlohmann::json::parse(rp.out);
  EXPECT_EQ(j["epochs"].size(), 2u);
}

// The seed notebook's combined strategy as shipped (apps/examples/combined_strategy.json), shortened by flags.
TEST(TrainCli, ShippedCombinedStrategyConfigRuns) {
  const fs::path dir = scratch() / "combined";
  const std::string config = std::string(PLATEAU_EXAMPLES_DIR) + "/combined_strategy.json";
  const auto r = run_plateau("train --config " + config + " --limit 400 --epochs 2 --batch-size 50 --verbose 2" +
                             " --threads 2 --run-dir " + dir.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "best.safetensors"));
  const nlohmann::json run = nlohmann::json::parse(read_file_text(dir / "run.json"));
  EXPECT_EQ(run["config"]["model"], "seed-cnn");
  EXPECT_EQ(run["config"]["epochs"], 2) << "a flag overrides the config file";
  std::vector<std::string> names;
  for (const auto& cb : run["config"]["callbacks"]) names.push_back(cb["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"ReduceLROnPlateau", "EarlyStopping", "ModelCheckpoint"}));
  EXPECT_NE(r.out.find("Epoch 2/2"), std::string::npos) << r.out;
}

TEST(ReplayCli, ReportsLrCheckpointsStopAndRestore) {
  const auto r = run_plateau(
      "replay --json --lr 0.1 --metrics 'val_loss=1,0.9,0.95,0.96,0.97,0.98' --callbacks " +
      shell_quote(R"([{"name":"ReduceLROnPlateau","patience":1,"factor":0.5},
                      {"name":"EarlyStopping","patience":3,"restore_best_weights":true},
                      {"name":"ModelCheckpoint","filepath":"x.safetensors","save_best_only":true}])"));
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["epochs"].size(), 5u);
  EXPECT_DOUBLE_EQ(j["epochs"][2]["lr"].get<double>(), 0.1);
  EXPECT_FLOAT_EQ(j["epochs"][3]["lr"].get<float>(), 0.05f);
  EXPECT_EQ(j["epochs"][1]["checkpoint"], true);
  EXPECT_EQ(j["epochs"][2]["checkpoint"], false);
  EXPECT_EQ(j["stopped_epoch"], 4);
  EXPECT_EQ(j["restored_epoch"], 1);
  EXPECT_FALSE(fs::exists("x.safetensors"));  // a replay writes nothing
}

TEST(TrainCliErrors, OneLineExitTwoNothingWritten) {
  const fs::path corrupt = scratch() / "corrupt_data";
  fs::create_directories(corrupt);
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                        "t10k-labels-idx1-ubyte"})
    std::ofstream(corrupt / f, std::ios::binary) << std::string("\x00\x00\x08\x03\x00\x00\x00\x05", 8);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--data /nonexistent/fashion", "apt-get install dataset-fashion-mnist"},
      {"--data " + corrupt.string(), "train-images-idx3-ubyte': truncated header (8 bytes, expected 16)"},
      {"--callbacks '[{\"name\":\"EarlyStopping\",\"monitor\":\"val_acc\"}]'",
       "monitor 'val_acc' is not in any epoch's logs (available: accuracy, learning_rate, loss, val_accuracy, val_loss)"},
      {"--callbacks '[{\"name\":\"EarlyStopping\",'", "not valid JSON"},
      {"--optimizer adamax", "unknown optimizer 'adamax'"},
      {"--model '[{\"type\":\"Dense\",\"units\":10}]'", "add a Flatten layer before it"},
      {"--epochs 2 --frobnicate", "--frobnicate"},
  };
  int i = 0;
  for (const auto& [args, expected] : cases) {
    const fs::path dir = scratch() / ("bad" + std::to_string(i++));
    const auto r = run_plateau("train --limit 100 " + args + " --run-dir " + dir.string());
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(expected), std::string::npos) << args << " printed: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir)) << args << " left a run directory";
  }
}

}  // namespace
}  // namespace plateau
