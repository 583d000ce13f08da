#pragma once
// TrainingCheckpoint: everything a run needs to continue exactly where it stopped — weights and
// buffers, optimizer state (step, slots, per-group hyperparameters), every callback's state
// (ReduceLROnPlateau counters and best, EarlyStopping wait/best/best weights, ModelCheckpoint best,
// CSVLogger rows, History), the fit cursor (epoch, next batch, global step, the epoch's running
// metric sums), the Dropout layers' random streams and the resolved config.
//
// One safetensors file: tensors "model/<name>", "optimizer/<g>.<i>.<slot>" and
// "callback/<k>/<name>"; __metadata__ holds format "plateau-checkpoint", version, the JSON state and a
// CRC-32 over the whole file (computed with the checksum field zeroed), so any flipped byte or
// truncation is detected before anything is loaded.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/core/json_field.h"
#include "plateau/layers/module.h"
#include "plateau/optim/optimizer.h"

namespace plateau {

struct FitCursor {
  int64_t epoch = 0;        // the epoch to run (absolute)
  int64_t batch = 0;        // the next batch of that epoch; 0: the epoch has not begun
  int64_t global_step = 0;  // optimizer steps taken in this fit so far
  double loss_sum = 0, loss_weight = 0, accuracy_sum = 0, accuracy_weight = 0;  // the epoch's running means
  bool finished = false;    // fit() returned normally: nothing is left to run
};

struct TrainingCheckpoint {
  std::string source = "checkpoint";  // "checkpoint '<path>'", for errors about its contents
  StateDict model;
  OptimizerState optimizer;
  nlohmann::json callbacks = nlohmann::json::array();  // [{"name": …, "state": …}] in list order
  std::vector<std::pair<size_t, StateDict>> callback_tensors;  // (callback index, tensors), e.g. best weights
  FitCursor cursor;
  nlohmann::json rng = nlohmann::json::object();  // Dropout layer index -> stream state
  nlohmann::json config = nlohmann::json::object();
  nlohmann::json lr_changes = nlohmann::json::array();  // the LR log so far
};

constexpr int kCheckpointVersion = 1;

void write_checkpoint(const std::string& path, const TrainingCheckpoint& checkpoint);  // crash-safe
// Verifies format, version and checksum, then parses; any failure is an Error naming the file and
// the failed check. The JSON state is checked for its shape here (every key, type and range);
// whether it fits the model and callbacks is checked when it is restored.
TrainingCheckpoint read_checkpoint(const std::string& path);
TrainingCheckpoint decode_checkpoint(std::string bytes, const std::string& source);  // a file's bytes
// Writes the CRC of a checkpoint file's bytes into its checksum field; false when there is no field.
// (write_checkpoint seals what it writes; the fuzz harness seals what it forges.)
bool seal_checkpoint(std::string& bytes);
// A checkpoint file is a few MB; a larger file is refused before it is read.
inline constexpr int64_t kMaxCheckpointBytes = int64_t{4} << 30;

nlohmann::json cursor_to_json(const FitCursor& c);
FitCursor cursor_from_json(const JsonField& j);

}  // namespace plateau
