// plateau sweep --config sweep.json | --preset lr-strategies|optimizers|schedules
//               [--run-dir DIR] [--epochs N] [--limit N] [--seed N] [--verbose N]
// Runs named experiments one after another, each into DIR/<name>. A sweep file is
//   {"base": {train options}, "experiments": [{"name": "fixed"}, {"name": "standard", "callbacks": […]}, …]}
// Re-running a sweep keeps what still holds and says so: a finished experiment with the same options is
// skipped, an interrupted one resumes from its checkpoint, and one whose options changed (or that never
// reached a checkpoint) is redone, with the options that differ named.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "apps/commands.h"
#include "apps/mpi_world.h"
#include "apps/run_summary.h"
#include "apps/training_run.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/threads.h"
#include "plateau/training/checkpoint_dir.h"

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
  const int64_t train = static_cast<int64_t>(std::floor(n * (1.0 - validation_split)));  // as Keras splits
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

// What to do with one experiment whose run directory may hold an earlier attempt.
struct Plan {
  enum class Action { Run, Skip, Resume, Redo } action = Action::Run;
  std::string reason;
};

Plan plan_for(const Options& wanted) {
  const fs::path run = wanted.run_dir;
  if (!is_run_dir(run.string())) return {io::exists(run.string()) ? Plan::Action::Redo : Plan::Action::Run, ""};
  const std::vector<std::string> changed =
      config_differences(with_absolute_paths(resume_options(run.string())), with_absolute_paths(wanted));
  if (!changed.empty()) return {Plan::Action::Redo, "options changed: " + join(changed, "; ")};
  if (io::exists((run / "results.json").string())) return {Plan::Action::Skip, ""};
  if (!CheckpointDir((run / "checkpoints").string()).files().empty()) return {Plan::Action::Resume, ""};
  return {Plan::Action::Redo, "it never reached its first checkpoint"};
}

}  // namespace

void run_sweep_command(const CommandOptions& flags) {
  const Options given = flags.resolve();
  PLATEAU_CHECK(given.config.empty() != given.preset.empty(), "sweep needs --config FILE or --preset NAME, one of them");
  const std::string source = given.preset.empty() ? "sweep file '" + printable(given.config, 200) + "'" : "preset";
  const json sweep =
      given.preset.empty()
          ? parse_json_text(io::read_file(given.config, 16 << 20), source)
          : preset(given.preset, given.epochs, given.limit);
  const JsonField root(sweep, source);
  const std::vector<JsonField> experiments = root.at("experiments").elements();
  PLATEAU_CHECK(!experiments.empty(), source, ": the \"experiments\" list is empty");
  const std::string dir = !given.run_dir.empty() ? given.run_dir
                          : !given.preset.empty() ? "sweeps/" + given.preset
                                                  : "sweeps/" + fs::path(given.config).stem().string();
  // Every experiment's options are checked before any runs.
  std::vector<std::pair<std::string, Options>> runs;
  for (const JsonField& e : experiments) {
    const std::string name = e.at("name").text();
    PLATEAU_CHECK(!name.empty() && name.find('/') == std::string::npos && name != "." && name != "..", source,
                  ": experiment name '", printable(name), "' must be a plain directory name");
    for (const auto& [other, unused] : runs)
      PLATEAU_CHECK(other != name, source, ": two experiments are named '", printable(name), "'");
    Options c = defaults_for(kTrain);
    if (root.has("base")) c.apply_json(root.at("base").expect_object().value(), source + " base");
    json overrides = e.expect_object().value();
    overrides.erase("name");
    c.apply_json(overrides, source + " experiment '" + printable(name) + "'");
    flags.apply_flags(c);  // --epochs, --limit and --seed, when given, hold for every experiment
    c.config.clear();
    c.preset.clear();
    c.verbose = given.verbose;
    c.run_dir = (fs::path(dir) / name).string();
    c.resume.clear();
    c.overwrite = false;
    runs.emplace_back(name, c);
  }
  // Under mpirun the experiments are dealt out, experiment i to rank i mod N, and each rank runs its own
  // alone on its share of the cores: the results are a serial sweep's, and a sweep started again with
  // another N skips, resumes or redoes each experiment as a serial one would.
  ProcessGroup* const mpi = world();
  const int rank = mpi ? mpi->rank() : 0, ranks = mpi ? mpi->size() : 1;
  io::create_directories(dir);
  if (rank == 0) io::write_file_atomically((fs::path(dir) / "sweep.json").string(), sweep.dump(2) + "\n");
  const std::string who = mpi ? cat(" (rank ", rank, ")") : "";
  const int cores_each = std::max(1, num_threads() / ranks);
  size_t index = 0;
  for (auto& [name, c] : runs) {
    if (static_cast<int>(index++ % static_cast<size_t>(ranks)) != rank) continue;
    if (mpi && c.threads == 0) c.threads = cores_each;
    const Plan plan = plan_for(c);
    std::printf("[%zu/%zu] %s%s", index, runs.size(), name.c_str(), who.c_str());
    switch (plan.action) {
      case Plan::Action::Skip:
        std::printf(": finished already, skipped\n");
        continue;
      case Plan::Action::Resume:
        std::printf(": resuming\n");
        c.resume = c.run_dir;
        break;
      case Plan::Action::Redo:
        std::printf(": redoing it%s%s\n", plan.reason.empty() ? "" : " (", plan.reason.empty() ? "" : (plan.reason + ")").c_str());
        c.overwrite = true;
        break;
      case Plan::Action::Run:
        std::printf("\n");
        break;
    }
    std::fflush(stdout);
    run_training(c, nullptr);
  }
  if (mpi) mpi->all_true(true);  // waits for every rank's experiments before the last line
  if (rank == 0) std::printf("Sweep directory: %s (plateau compare %s)\n", dir.c_str(), dir.c_str());
}

}  // namespace plateau::apps
