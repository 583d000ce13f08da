#include "apps/run_files.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "plateau/core/build_info.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/threads.h"

namespace plateau::apps {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string number(const Logs& logs, const std::string& key) {
  auto it = logs.find(key);
  if (it == logs.end()) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", it->second);
  return buf;
}

}  // namespace

RunFiles::RunFiles(RunDirectory& run, nlohmann::json run_info, bool resumed)
    : run_(run), dir_(run.path()), run_info_(std::move(run_info)), resumed_(resumed) {}

std::string RunFiles::metrics_header() { return "epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds\n"; }

nlohmann::json RunFiles::machine_info() {
  return {{"versions", build_info()}, {"cpu", cpu_model()}, {"threads", num_threads()}};
}

void RunFiles::on_train_begin(TrainingState& s) {
  metrics_ = metrics_header();
  epoch_start_ = std::chrono::steady_clock::now();  // a run resumed mid-epoch gets no on_epoch_begin
  if (!s.writes_files) return;  // another process of a data-parallel run: rank 0 writes
  run_.claim();
  const auto run_json = std::filesystem::path(dir_) / "run.json";
  if (!resumed_ || !io::exists(run_json.string()))
    io::write_file_atomically(run_json.string(), run_info_.dump(2) + "\n");
}

nlohmann::json RunFiles::state_dict() const {
  return {{"lines", std::count(metrics_.begin(), metrics_.end(), '\n')}};
}

void RunFiles::load_state_dict(const JsonField& state) {
  // Keep the header and the rows of the epochs the checkpoint had completed; drop any later rows a
  // killed run may have written after that checkpoint.
  metrics_ = io::read_first_lines((std::filesystem::path(dir_) / "metrics.csv").string(),
                                  state.at("lines").integer(0, std::numeric_limits<int64_t>::max()));
  if (metrics_.empty()) metrics_ = metrics_header();
}

void RunFiles::on_epoch_begin(TrainingState&) { epoch_start_ = std::chrono::steady_clock::now(); }

void RunFiles::on_epoch_end(TrainingState& s) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
  char time_text[32];
  std::snprintf(time_text, sizeof time_text, "%.3f", seconds);
  metrics_ += std::to_string(s.epoch) + "," + number(s.logs, "loss") + "," + number(s.logs, "accuracy") + "," +
              number(s.logs, "val_loss") + "," + number(s.logs, "val_accuracy") + "," +
              number(s.logs, "learning_rate") + "," + time_text + "\n";
  if (s.writes_files) io::write_file_atomically((std::filesystem::path(dir_) / "metrics.csv").string(), metrics_);
}

}  // namespace plateau::apps
