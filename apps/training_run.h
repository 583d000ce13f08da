#pragma once
// One training run as `plateau train` does it (also each experiment of `plateau sweep`): data, model,
// optimizer, callbacks and schedule from the Options; the run directory (apps/run_directory.h) with
// run.json, metrics.csv, checkpoints, charts, final weights and results.json; exact resume.

#include <string>

#include "apps/options.h"
#include "apps/run_directory.h"
#include "plateau/callbacks/callback_list.h"
#include "plateau/core/process_group.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/training/model.h"

namespace plateau::apps {

// Throws CLI::RuntimeError(130) after checkpointing when interrupted (SIGINT/SIGTERM), and
// CLI::RuntimeError(3) when the loss became NaN or infinite (after writing the charts of what was learned).
// `processes`: the MPI processes that train this run together (data parallel), or null for this one alone.
void run_training(Options options, ProcessGroup* processes);
// The options a run directory's run.json holds, with run_dir set to it (for --resume).
Options resume_options(const std::string& run_dir);
// Path-valued options made absolute, so that run.json means the same from any working directory.
Options with_absolute_paths(Options options);

// The model a run's options describe: the spec built for the input shape and seed, the initial
// weights loaded, compiled with the optimizer (and --lr) and the loss. (train, lr-find, profile)
std::unique_ptr<Model> model_for(const Options& options);
// A run's callbacks in fit()'s order: the user's callbacks and schedule, TerminateOnNaN (unless
// given), the progress bar, the LR log, the step profile (--profile) and the run files.
CallbackList make_run_callbacks(const Options& options, int verbose, Model& model, const ImageDataset& train,
                                RunDirectory& run, const nlohmann::json& run_info);

}  // namespace plateau::apps
