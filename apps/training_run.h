#pragma once
// One training run as `plateau train` does it (also used by `plateau sweep`): data, model, optimizer,
// callbacks and schedule from a TrainConfig; the run directory with run.json, metrics.csv,
// checkpoints, charts, final weights and results.json; resume from checkpoints.

#include <string>

#include "apps/train_config.h"

namespace plateau::apps {

struct RunControl {
  std::string resume_dir;        // --resume: continue this run directory
  std::string weights_only_dir;  // --resume-weights-only: new run from that run's weights and optimizer
  int64_t checkpoint_every_batches = 0, keep_last = 2, stop_after_batches = 0;
  bool profile = false;  // print the step profile after the first epoch
};

// Throws CLI::RuntimeError(130) after checkpointing when interrupted (SIGINT/SIGTERM).
void run_training(TrainConfig config, const RunControl& control);
// The config stored in a run directory's run.json, with run_dir set to it.
TrainConfig resume_config(const std::string& run_dir);
nlohmann::json read_json_file(const std::string& path);

}  // namespace plateau::apps
