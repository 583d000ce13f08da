// plateau sweep --config sweep.json | --preset lr-strategies|optimizers|schedules
//               [--run-dir DIR] [--epochs N] [--limit N] [--seed N] [--verbose N]
// Runs named experiments one after another, each into DIR/<name>. A sweep file is
//   {"base": {train options}, "experiments": [{"name": "fixed"}, {"name": "standard", "callbacks": […]}, …]}
// Re-running a sweep skips finished experiments and resumes an interrupted one from its checkpoint.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "apps/commands.h"
#include "apps/training_run.h"
#include "core/error.h"
#include "core/io/atomic_file.h"

namespace plateau::apps {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json plateau_cb(double factor, int patience) {
  return {{"name", "ReduceLROnPlateau"}, {"monitor", "val_loss"}, {"factor", factor}, {"patience", patience},
          {"min_lr", 1e-6}};
}

// Training steps per epoch for the preset's one-cycle and cyclic schedules.
int64_t steps_per_epoch(int64_t limit, int64_t batch_size, double validation_split) {
  const int64_t n = limit > 0 ? std::min<int64_t>(limit, 60000) : 60000;
  const int64_t train = static_cast<int64_t>(std::ceil(n * (1.0 - validation_split)));
  return (train + batch_size - 1) / batch_size;
}

json preset(const std::string& name, int64_t epochs, int64_t limit) {
  json experiments = json::array();
  if (name == "lr-strategies") {  // the seed notebook's five ReduceLROnPlateau strategies
    experiments.push_back({{"name", "fixed"}});
    experiments.push_back({{"name", "standard"}, {"callbacks", {plateau_cb(0.5, 3)}}});
    experiments.push_back({{"name", "aggressive"}, {"callbacks", {plateau_cb(0.2, 2)}}});
    experiments.push_back({{"name", "conservative"}, {"callbacks", {plateau_cb(0.7, 5)}}});
    experiments.push_back(
        {{"name", "combined"},
         {"callbacks",
          {plateau_cb(0.5, 3),
           {{"name", "EarlyStopping"}, {"monitor", "val_loss"}, {"patience", 5}, {"restore_best_weights", true}},
           {{"name", "ModelCheckpoint"}, {"filepath", "best.safetensors"}, {"monitor", "val_accuracy"},
            {"save_best_only", true}}}}});
  } else if (name == "optimizers") {  // the seed notebook's optimizer comparison
    experiments.push_back({{"name", "sgd"}, {"optimizer", {{"name", "keras.SGD"}, {"learning_rate", 0.01}}}});
    experiments.push_back({{"name", "sgd-momentum-nesterov-decay"},
                           {"optimizer",
                            {{"name", "keras.SGD"}, {"learning_rate", 0.01}, {"momentum", 0.9}, {"nesterov", true},
                             {"decay", 1e-6}}}});
    experiments.push_back({{"name", "rmsprop"}, {"optimizer", {{"name", "keras.RMSprop"}, {"learning_rate", 1e-3}}}});
    experiments.push_back({{"name", "adam"}, {"optimizer", {{"name", "keras.Adam"}, {"learning_rate", 1e-3}}}});
  } else if (name == "schedules") {
    const int64_t steps = steps_per_epoch(limit, 128, 0.2);
    experiments.push_back({{"name", "step"}, {"schedule", {{"name", "StepLR"}, {"step_size", 3}, {"gamma", 0.5}}}});
    experiments.push_back({{"name", "exponential"}, {"schedule", {{"name", "ExponentialLR"}, {"gamma", 0.85}}}});
    experiments.push_back({{"name", "cosine"}, {"schedule", {{"name", "CosineAnnealingLR"}, {"T_max", epochs}}}});
    experiments.push_back(
        {{"name", "sgdr"}, {"schedule", {{"name", "CosineAnnealingWarmRestarts"}, {"T_0", 2}, {"T_mult", 2}}}});
    experiments.push_back({{"name", "cyclic"},
                           {"optimizer", {{"name", "SGD"}, {"lr", 0.01}, {"momentum", 0.9}}},
                           {"schedule",
                            {{"name", "CyclicLR"}, {"base_lr", 1e-3}, {"max_lr", 0.05}, {"step_size_up", 2 * steps},
                             {"mode", "triangular2"}}}});
    experiments.push_back({{"name", "one-cycle"},
                           {"schedule",
                            {{"name", "OneCycleLR"}, {"max_lr", 3e-3}, {"epochs", epochs},
                             {"steps_per_epoch", steps}}}});
  } else {
    throw Error(cat("unknown sweep preset '", name, "' (valid: lr-strategies, optimizers, schedules)"));
  }
  return {{"name", name}, {"base", json::object()}, {"experiments", experiments}};
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  struct Options {
    std::string config, preset, run_dir;
    int64_t epochs = 0, limit = 0;
    uint64_t seed = 0;
    int verbose = 2;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a list of experiments, each into its own run directory");
  auto* config = cmd->add_option("--config", o->config, "sweep file (JSON)");
  auto* preset_opt = cmd->add_option("--preset", o->preset, "lr-strategies, optimizers or schedules");
  config->excludes(preset_opt);
  cmd->add_option("--run-dir", o->run_dir, "the sweep directory (default sweeps/<preset or file name>)");
  cmd->add_option("--epochs", o->epochs, "epochs for every experiment");
  cmd->add_option("--limit", o->limit, "use only the first N training images in every experiment");
  cmd->add_option("--seed", o->seed, "seed for every experiment");
  cmd->add_option("--verbose", o->verbose, "0, 1 or 2 (default 2)")->check(CLI::Range(0, 2));
  cmd->callback([o, cmd] {
    PLATEAU_CHECK(!o->config.empty() || !o->preset.empty(), "sweep needs --config FILE or --preset NAME");
    const int64_t epochs = cmd->count("--epochs") ? o->epochs : 12;
    const json sweep = o->preset.empty() ? read_json_file(o->config) : preset(o->preset, epochs, o->limit);
    PLATEAU_CHECK(sweep.is_object() && sweep.contains("experiments") && sweep["experiments"].is_array() &&
                      !sweep["experiments"].empty(),
                  "sweep file needs a non-empty \"experiments\" list");
    const std::string dir = !o->run_dir.empty() ? o->run_dir
                            : !o->preset.empty() ? "sweeps/" + o->preset
                                                 : "sweeps/" + fs::path(o->config).stem().string();
    // Check every experiment's options before running any.
    std::vector<std::pair<std::string, TrainConfig>> runs;
    for (const json& e : sweep["experiments"]) {
      PLATEAU_CHECK(e.is_object() && e.contains("name") && e["name"].is_string(),
                    "each experiment needs a \"name\", got ", e.dump());
      const std::string name = e["name"];
      PLATEAU_CHECK(!name.empty() && name.find('/') == std::string::npos, "experiment name '", name,
                    "' must be a plain directory name");
      TrainConfig c;
      if (sweep.contains("base")) c.apply_json(sweep["base"]);
      json overrides = e;
      overrides.erase("name");
      c.apply_json(overrides);
      if (cmd->count("--epochs")) c.epochs = o->epochs;
      if (cmd->count("--limit")) c.limit = o->limit;
      if (cmd->count("--seed")) c.seed = o->seed;
      c.verbose = o->verbose;
      c.run_dir = (fs::path(dir) / name).string();
      for (const auto& [other, unused] : runs) PLATEAU_CHECK(other != name, "two experiments are named '", name, "'");
      runs.emplace_back(name, c);
    }
    fs::create_directories(dir);
    io::write_file_atomically((fs::path(dir) / "sweep.json").string(), sweep.dump(2) + "\n");
    size_t index = 0;
    for (auto& [name, c] : runs) {
      ++index;
      const fs::path run = c.run_dir;
      if (fs::exists(run / "results.json")) {
        std::printf("[%zu/%zu] %s: finished already, skipped\n", index, runs.size(), name.c_str());
        continue;
      }
      RunControl control;
      if (fs::exists(run / "checkpoints")) {
        std::printf("[%zu/%zu] %s: resuming\n", index, runs.size(), name.c_str());
        control.resume_dir = run.string();
        TrainConfig stored = resume_config(run.string());
        stored.verbose = c.verbose;
        c = stored;
      } else {
        fs::remove_all(run);  // a start that never reached its first checkpoint
        std::printf("[%zu/%zu] %s\n", index, runs.size(), name.c_str());
      }
      std::fflush(stdout);
      run_training(c, control);
    }
    std::printf("Sweep directory: %s (plateau compare %s)\n", dir.c_str(), dir.c_str());
  });
}

}  // namespace plateau::apps
