#pragma once
// RunFiles: the run directory's files, written crash-safe. At on_train_begin (after every user
// callback has checked its settings, so a bad run leaves nothing behind) it claims the directory
// (creates and locks it: apps/run_directory.h) and writes run.json (resolved config, seed, threads, versions, CPU); at every on_epoch_end it
// rewrites metrics.csv with one more row: epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "apps/run_directory.h"
#include "plateau/callbacks/callback.h"

namespace plateau::apps {

class RunFiles : public Callback {
 public:
  // resumed: run.json is kept as it is, and metrics.csv continues from the checkpoint's rows.
  RunFiles(RunDirectory& dir, nlohmann::json run_info, bool resumed = false);
  std::string name() const override { return "RunFiles"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;

  static std::string metrics_header();
  static nlohmann::json machine_info();  // versions, CPU model, thread count

 private:
  RunDirectory& run_;
  std::string dir_;
  nlohmann::json run_info_;
  bool resumed_;
  std::string metrics_;
  std::chrono::steady_clock::time_point epoch_start_;
};

}  // namespace plateau::apps
