#pragma once
// Options: every option of every `plateau` subcommand, declared once in one table (apps/options.cpp),
// as llama.cpp declares its common_arg list (common/arg.cpp): the flag, its JSON spelling (the flag
// with underscores: --batch-size is "batch_size"), the help text, the subcommands that take it and the
// field below it sets. From that table come the CLI11 flags and their help (with the default read from
// the command's default Options), the JSON reading and writing (--config files, run.json), the check
// of every value, and --resume's conflict check. Precedence: defaults < --config file < flags, and of a
// flag given twice the last wins.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace plateau::apps {

// The subcommands; a table row lists those that take its option.
enum Command : unsigned {
  kTrain = 1u << 0,
  kSweep = 1u << 1,
  kEvaluate = 1u << 2,
  kPredict = 1u << 3,
  kLrFind = 1u << 4,
  kProfile = 1u << 5,
  kSummary = 1u << 6,
  kSchedule = 1u << 7,
  kReplay = 1u << 8,
  kCompare = 1u << 9,
  kReport = 1u << 10,
};

struct Options {
  // The training run: what run.json's "config" holds, and what --resume must find unchanged.
  std::string model = "seed-cnn";  // a named model, a JSON file or inline JSON
  nlohmann::json optimizer = {{"name", "keras.Adam"}, {"learning_rate", 1e-3}};
  std::optional<double> lr;  // train: overrides the optimizer's lr / learning_rate
  nlohmann::json schedule;   // null or a scheduler spec
  nlohmann::json callbacks = nlohmann::json::array();
  std::string loss = "sparse_categorical_crossentropy";
  int64_t epochs = 12;
  int64_t batch_size = 128;
  double validation_split = 0.2;
  int64_t validation_freq = 1;
  int64_t seed = 42;
  int64_t limit = 0;  // 0: every image
  bool shuffle = true;
  std::string init_weights, save_weights, data, input_shape = "28,28,1";
  int64_t batch_shards = 4;          // data-parallel training: shards a batch (training/data_parallel.h)
  std::string allreduce = "exact";   // exact: the same bits on any number of processes; fast: MPI_Allreduce
  std::string dtype_policy = "float32";  // or mixed_bfloat16 (layers/dtype_policy.h)
  // Of the session: saved in run.json, free to differ on --resume.
  int64_t threads = 0;  // 0: PLATEAU_NUM_THREADS or all cores
  int64_t verbose = -1;  // -1: 1 on a terminal, else 2
  std::string run_dir;
  // How this invocation runs, not saved.
  std::string config, resume, resume_weights_only;
  bool overwrite = false, profile = false;
  int64_t checkpoint_every_batches = 0, keep_last = 2, stop_after_batches = 0;
  // Other subcommands'.
  std::string weights, split = "test", out, then, trace, spec, metrics, log, format, preset, charts;
  std::vector<std::string> dirs;
  bool json = false;
  double start_lr = 1e-7, end_lr = 1.0, initial_lr = 1e-3;  // initial_lr: --lr of schedule and replay
  int64_t steps = 100;

  // run.json's "config": train's options of the run and of the session (not the invocation's control).
  nlohmann::json to_json() const;
  // Applies the keys of such a config (a --config file, a sweep's experiment); a key that is not one of
  // them is an error naming the valid ones, a value out of its range one naming the range.
  void apply_json(const nlohmann::json& config, const std::string& source = "train config");
};

// The defaults of one subcommand (the struct's, with the few that differ: profile's --steps is 20).
Options defaults_for(Command command);

// Adds the table's options for `command` to `cmd`; after parsing, resolve() gives the Options:
// the command's defaults, then the --config file (train, sweep), then the flags that were given.
class CommandOptions {
 public:
  CommandOptions(CLI::App& cmd, Command command);
  Options resolve() const;
  // Applies only the flags that were given (for --resume, on top of the run's own config).
  void apply_flags(Options& options) const;
  std::vector<std::string> given_flags() const;
  bool given(const std::string& flag) const;

 private:
  CLI::App& cmd_;
  Command command_;
  std::vector<size_t> rows_;  // the table rows this command takes
  struct Given {               // a row's value as given on the command line
    std::string text;
    std::vector<std::string> list;  // positional lists (compare DIR…)
  };
  std::shared_ptr<std::vector<Given>> given_;
};

// Keys whose values differ between two configs (Config scope only), as "key (run: a, given: b)".
std::vector<std::string> config_differences(const Options& run, const Options& given);

// A --config file: a JSON object of options, or a run's own run.json (its "config", less run_dir).
nlohmann::json read_config_file(const std::string& path);

}  // namespace plateau::apps
