#include "plateau/callbacks/model_checkpoint.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "plateau/callbacks/path_template.h"
#include "plateau/callbacks/state_json.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/layers/weights.h"

namespace plateau::callbacks {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Whether files can be made in `dir` (created as needed): its nearest existing ancestor must be a
// writable directory. Checked before the first batch, so that an epoch of training is never lost to a
// path that cannot be written; nothing is created here.
void check_writable(std::filesystem::path dir) {
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::path at = dir;
  while (!std::filesystem::exists(at, ec) && at.has_parent_path() && at.parent_path() != at) at = at.parent_path();
  if (!std::filesystem::exists(at, ec)) at = ".";
  PLATEAU_CHECK(std::filesystem::is_directory(at, ec), "ModelCheckpoint: cannot save into '", printable(dir.string(), 200),
                "': '", printable(at.string(), 200), "' is not a directory");
  PLATEAU_CHECK(::access(at.c_str(), W_OK) == 0, "ModelCheckpoint: cannot save into '", printable(dir.string(), 200),
                "': '", printable(at.string(), 200), "' is not writable (", std::strerror(errno), ")");
}

}  // namespace

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions o)
    : options_(std::move(o)), monitor_(options_.monitor, options_.mode, 0.0, "ModelCheckpoint"),
      best_(options_.initial_value_threshold) {
  PLATEAU_CHECK(!options_.filepath.empty(), "ModelCheckpoint: filepath is required");
  PLATEAU_CHECK(ends_with(options_.filepath, ".safetensors"), "ModelCheckpoint: filepath must end in .safetensors ",
                "(plateau weights files), got '", options_.filepath, "'");
  PLATEAU_CHECK(options_.save_freq >= 0, "ModelCheckpoint: save_freq must be \"epoch\" or a positive integer, got ",
                options_.save_freq);
}

void ModelCheckpoint::on_train_begin(TrainingState& s) {
  // Format the template once with stand-in values so a missing key fails before the first batch.
  std::map<std::string, double> probe{{"epoch", 1}};
  for (const auto& k : s.epoch_keys) probe[k] = 0.0;
  for (const auto& k : s.occasional_keys) probe[k] = 0.0;
  if (options_.save_freq > 0) probe["batch"] = 1;
  const std::string path = format_path_template(options_.filepath, probe, {"epoch", "batch"});
  if (!options_.dry_run) check_writable(std::filesystem::path(path).parent_path());
  if (options_.save_best_only)
    PLATEAU_CHECK(s.has_key(options_.monitor), "ModelCheckpoint: monitor '", options_.monitor,
                  "' is not in any epoch's logs (available: ", s.known_keys(), ")");
}

void ModelCheckpoint::on_batch_end(TrainingState& s) {
  if (options_.save_freq <= 0) return;
  const int64_t add = s.batch <= last_batch_seen_ ? s.batch + 1 : s.batch - last_batch_seen_;  // new epoch or not
  batches_since_save_ += add;
  last_batch_seen_ = s.batch;
  if (batches_since_save_ >= options_.save_freq) {
    batches_since_save_ = 0;
    save(s, s.batch);
  }
}

void ModelCheckpoint::on_epoch_end(TrainingState& s) {
  if (options_.save_freq == 0) save(s, std::nullopt);
}

void ModelCheckpoint::save(TrainingState& s, std::optional<int64_t> batch) {
  std::map<std::string, double> values(s.logs.begin(), s.logs.end());
  values["epoch"] = static_cast<double>(s.epoch + 1);
  if (batch && !values.count("batch")) values["batch"] = static_cast<double>(*batch + 1);
  const std::string path = format_path_template(options_.filepath, values, {"epoch", "batch"});
  if (options_.save_best_only) {
    auto it = s.logs.find(options_.monitor);
    if (it == s.logs.end()) {
      s.print(cat("Can save best model only with ", options_.monitor, " available; saving anyway"));
    } else if (monitor_.is_improvement(it->second, best_)) {
      best_ = it->second;
    } else {
      return;
    }
  }
  if (!options_.dry_run && s.writes_files) {
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) io::create_directories(dir.string());
    save_weights(*s.model, path);
  }
  saved_paths_.push_back(path);
  saved_epochs_.push_back(s.epoch);
}

nlohmann::json ModelCheckpoint::state_dict() const {
  return {{"best", optional_to_json(best_)},
          {"batches_since_save", batches_since_save_},
          {"last_batch_seen", last_batch_seen_},
          {"saved_paths", saved_paths_},
          {"saved_epochs", saved_epochs_}};
}

void ModelCheckpoint::load_state_dict(const JsonField& j) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::optional<double> best = optional_from_json(j.at("best"));
  const int64_t since = j.at("batches_since_save").integer(0, kMax), last = j.at("last_batch_seen").integer(0, kMax);
  std::vector<std::string> paths = j.at("saved_paths").texts();
  std::vector<int64_t> epochs = j.at("saved_epochs").integers(0, kMax);
  best_ = best;
  batches_since_save_ = since;
  last_batch_seen_ = last;
  saved_paths_ = std::move(paths);
  saved_epochs_ = std::move(epochs);
}

}  // namespace plateau::callbacks
