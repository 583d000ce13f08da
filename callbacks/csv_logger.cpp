#include "plateau/callbacks/csv_logger.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau::callbacks {

CSVLogger::CSVLogger(CSVLoggerOptions o) : options_(std::move(o)) {
  PLATEAU_CHECK(!options_.filename.empty(), "CSVLogger: filename is required");
  PLATEAU_CHECK(options_.separator.size() == 1, "CSVLogger: separator must be one character, got '",
                printable(options_.separator), "'");
  keys_ = options_.columns;
}

void CSVLogger::on_train_begin(TrainingState&) {
  content_.clear();
  if (options_.append && io::exists(options_.filename)) {
    content_ = io::read_file(options_.filename);
    if (!content_.empty() && content_.back() != '\n') content_ += '\n';
    if (keys_.empty() && !content_.empty()) {  // keep the existing header's columns
      std::istringstream header(content_.substr(0, content_.find('\n')));
      std::string field;
      std::getline(header, field, options_.separator[0]);  // "epoch"
      while (std::getline(header, field, options_.separator[0])) keys_.push_back(field);
    }
  }
}

void CSVLogger::on_epoch_end(TrainingState& s) {
  if (keys_.empty())
    for (const auto& [k, v] : s.logs) keys_.push_back(k);
  const std::string& sep = options_.separator;
  if (content_.empty()) {
    content_ = "epoch";
    for (const auto& k : keys_) content_ += sep + k;
    content_ += "\n";
  }
  std::string row = std::to_string(s.epoch);
  char buf[64];
  for (const auto& k : keys_) {
    auto it = s.logs.find(k);
    if (it == s.logs.end()) {
      row += sep + "NA";
    } else {
      std::snprintf(buf, sizeof buf, "%.17g", it->second);
      row += sep + buf;
    }
  }
  content_ += row + "\n";
  if (options_.dry_run || !s.writes_files) return;
  const auto dir = std::filesystem::path(options_.filename).parent_path();
  if (!dir.empty()) io::create_directories(dir.string());
  io::write_file_atomically(options_.filename, content_);
}

nlohmann::json CSVLogger::state_dict() const {
  return {{"lines", std::count(content_.begin(), content_.end(), '\n')}, {"keys", keys_}};
}

void CSVLogger::load_state_dict(const JsonField& j) {
  std::vector<std::string> keys = j.at("keys").texts();
  content_ = io::read_first_lines(options_.filename, j.at("lines").integer(0, std::numeric_limits<int64_t>::max()));
  keys_ = std::move(keys);
}

}  // namespace plateau::callbacks
