#pragma once
// TrainConfig: every option of `plateau train`, with its JSON spelling (the flag name with
// underscores: --batch-size is "batch_size"). Precedence: defaults < --config file < flags.

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace plateau::apps {

struct TrainConfig {
  std::string model = "seed-cnn";  // named model, JSON file or inline JSON
  nlohmann::json optimizer = {{"name", "keras.Adam"}, {"learning_rate", 1e-3}};
  std::optional<double> lr;        // overrides the optimizer's lr / learning_rate
  nlohmann::json schedule;         // null or a scheduler spec
  nlohmann::json callbacks = nlohmann::json::array();
  std::string loss = "sparse_categorical_crossentropy";
  int64_t epochs = 12;
  int64_t batch_size = 128;
  double validation_split = 0.2;
  int64_t validation_freq = 1;
  uint64_t seed = 42;
  int threads = 0;                 // 0: PLATEAU_NUM_THREADS or all cores
  int64_t limit = 0;               // 0: all training images
  bool shuffle = true;
  std::string init_weights, save_weights, run_dir, data;
  int verbose = -1;                // -1: 1 on a terminal, else 2
  std::string input_shape = "28,28,1";

  nlohmann::json to_json() const;
  // Applies the keys present in j; unknown keys are an error listing the valid ones.
  void apply_json(const nlohmann::json& j);
};

// Registers the flags on `cmd`; after parsing, apply_flags() copies those that were given.
struct TrainFlags {
  std::string config, model, optimizer, schedule, callbacks, loss, init_weights, save_weights, run_dir, data,
      input_shape;
  double lr = 0, validation_split = 0;
  int64_t epochs = 0, batch_size = 0, validation_freq = 0, limit = 0;
  uint64_t seed = 0;
  int threads = 0, verbose = 0;
  bool no_shuffle = false;
  // Run control, not part of the config: resuming and checkpoints.
  std::string resume, resume_weights_only;
  int64_t checkpoint_every_batches = 0, keep_last = 2, stop_after_batches = 0;
  bool profile = false;

  void add_to(CLI::App& cmd);
  // The config keys the given flags set (for --resume's conflict check).
  std::vector<std::string> given_keys(const CLI::App& cmd) const;
  void apply_to(const CLI::App& cmd, TrainConfig& config) const;
};

}  // namespace plateau::apps
