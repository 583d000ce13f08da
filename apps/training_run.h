#pragma once
// One training run as `plateau train` does it (also each experiment of `plateau sweep`): data, model,
// optimizer, callbacks and schedule from the Options; the run directory (apps/run_directory.h) with
// run.json, metrics.csv, checkpoints, charts, final weights and results.json; exact resume.

#include <string>

#include "apps/options.h"

namespace plateau::apps {

// Throws CLI::RuntimeError(130) after checkpointing when interrupted (SIGINT/SIGTERM), and
// CLI::RuntimeError(3) when the loss became NaN or infinite (after writing the charts of what was learned).
void run_training(Options options);
// The options a run directory's run.json holds, with run_dir set to it (for --resume).
Options resume_options(const std::string& run_dir);
// Path-valued options made absolute, so that run.json means the same from any working directory.
Options with_absolute_paths(Options options);

}  // namespace plateau::apps
