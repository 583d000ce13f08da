#include "plateau/training/checkpoint.h"

#include <zlib.h>

#include <cstdio>
#include <limits>

#include "plateau/callbacks/state_json.h"
#include "plateau/core/error.h"
#include "plateau/core/parse_number.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/io/safetensors.h"

namespace plateau {
namespace {

constexpr const char* kChecksumPlaceholder = "00000000";

std::string crc_hex(const std::string& bytes) {
  const uLong crc = crc32_z(0L, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());  // size_t length
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08lx", static_cast<unsigned long>(crc));
  return buf;
}

// Bytes 8 … 8+n of a safetensors file are its JSON header (n: the little-endian length in bytes 0-7).
size_t header_end(const std::string& bytes) {
  if (bytes.size() < 8) return 0;
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
  return 8 + static_cast<size_t>(std::min<uint64_t>(n, bytes.size() - 8));
}

// Position of the checksum's 8 hex digits inside the header, or npos.
size_t checksum_position(const std::string& bytes) {
  const std::string key = "\"checksum\":\"";
  const size_t at = bytes.find(key);
  if (at == std::string::npos || at + key.size() + 8 > header_end(bytes)) return std::string::npos;
  return at + key.size();
}

}  // namespace

nlohmann::json cursor_to_json(const FitCursor& c) {
  return {{"epoch", c.epoch},
          {"batch", c.batch},
          {"global_step", c.global_step},
          {"loss_sum", double_to_json(c.loss_sum)},
          {"loss_weight", c.loss_weight},
          {"accuracy_sum", double_to_json(c.accuracy_sum)},
          {"accuracy_weight", c.accuracy_weight},
          {"finished", c.finished}};
}

FitCursor cursor_from_json(const JsonField& j) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  FitCursor c;
  c.epoch = j.at("epoch").integer(0, kMax);
  c.batch = j.at("batch").integer(0, kMax);
  c.global_step = j.at("global_step").integer(0, kMax);
  c.loss_sum = j.at("loss_sum").number_or_nonfinite();
  c.loss_weight = j.at("loss_weight").number();
  c.accuracy_sum = j.at("accuracy_sum").number_or_nonfinite();
  c.accuracy_weight = j.at("accuracy_weight").number();
  c.finished = j.at("finished").boolean();
  PLATEAU_CHECK(c.loss_weight >= 0 && c.accuracy_weight >= 0, j.source(), ": ", j.path(),
                " has negative weights (", c.loss_weight, ", ", c.accuracy_weight, ")");
  return c;
}

void write_checkpoint(const std::string& path, const TrainingCheckpoint& c) {
  io::TensorFile file;
  for (const auto& [name, t] : c.model) file.tensors.emplace_back("model/" + name, t);
  for (const auto& [name, t] : c.optimizer.tensors) file.tensors.emplace_back("optimizer/" + name, t);
  for (const auto& [index, dict] : c.callback_tensors)
    for (const auto& [name, t] : dict) file.tensors.emplace_back(cat("callback/", index, "/", name), t);
  const nlohmann::json state{{"optimizer", c.optimizer.scalars}, {"callbacks", c.callbacks},
                             {"cursor", cursor_to_json(c.cursor)}, {"rng", c.rng},
                             {"config", c.config}, {"lr_changes", c.lr_changes}};
  file.metadata["format"] = "plateau-checkpoint";
  file.metadata["version"] = std::to_string(kCheckpointVersion);
  file.metadata["state"] = state.dump();
  file.metadata["checksum"] = kChecksumPlaceholder;
  std::string bytes = io::encode_safetensors(file);
  PLATEAU_CHECK(seal_checkpoint(bytes), "checkpoint '", path, "': cannot place the checksum");
  io::write_file_atomically(path, bytes);
}

bool seal_checkpoint(std::string& bytes) {
  const size_t at = checksum_position(bytes);
  if (at == std::string::npos) return false;
  bytes.replace(at, 8, kChecksumPlaceholder);
  bytes.replace(at, 8, crc_hex(bytes));
  return true;
}

TrainingCheckpoint read_checkpoint(const std::string& path) {
  return decode_checkpoint(io::read_file(path, kMaxCheckpointBytes), path);
}

TrainingCheckpoint decode_checkpoint(std::string bytes, const std::string& path) {
  const std::string where = "checkpoint '" + printable(path, 200) + "'";
  const size_t at = checksum_position(bytes);
  PLATEAU_CHECK(at != std::string::npos, where, ": no checksum found (truncated, corrupt, or not a checkpoint)");
  const std::string stored = bytes.substr(at, 8);
  bytes.replace(at, 8, kChecksumPlaceholder);
  const std::string actual = crc_hex(bytes);
  PLATEAU_CHECK(stored == actual, where, ": checksum mismatch (stored ", printable(stored), ", computed ", actual,
                "); the file is corrupt");
  bytes.replace(at, 8, stored);
  const io::TensorFile file = io::decode_safetensors(bytes, path);
  PLATEAU_CHECK(file.metadata.count("format") && file.metadata.at("format") == "plateau-checkpoint", where,
                ": not a plateau checkpoint");
  PLATEAU_CHECK(file.metadata.count("version") && file.metadata.at("version") == std::to_string(kCheckpointVersion),
                where, ": format version ",
                file.metadata.count("version") ? printable(file.metadata.at("version")) : "(none)",
                ", this build reads version ", kCheckpointVersion);
  PLATEAU_CHECK(file.metadata.count("state"), where, ": no state in its metadata");
  TrainingCheckpoint c;
  c.source = where;
  const nlohmann::json state = parse_json_text(file.metadata.at("state"), where + ": the state");
  const JsonField s(state, where, "state");
  c.optimizer.scalars = s.at("optimizer").expect_object().value();
  c.callbacks = s.at("callbacks").expect_array().value();
  c.cursor = cursor_from_json(s.at("cursor"));
  c.rng = s.at("rng").expect_object().value();
  c.config = s.at("config").expect_object().value();
  c.lr_changes = s.at("lr_changes").expect_array().value();
  for (const auto& [name, t] : file.tensors) {
    if (name.rfind("model/", 0) == 0) {
      c.model.emplace_back(name.substr(6), t);
    } else if (name.rfind("optimizer/", 0) == 0) {
      c.optimizer.tensors.emplace_back(name.substr(10), t);
    } else if (name.rfind("callback/", 0) == 0) {
      const size_t slash = name.find('/', 9);
      PLATEAU_CHECK(slash != std::string::npos, where, ": bad tensor name '", printable(name), "'");
      const int64_t index = parse_int64(name.substr(9, slash - 9), where + ": the callback index of tensor '" +
                                                                       printable(name) + "'");
      PLATEAU_CHECK(index >= 0 && static_cast<size_t>(index) < c.callbacks.size(), where, ": tensor '",
                    printable(name), "' belongs to callback ", index, ", the checkpoint has ", c.callbacks.size());
      if (c.callback_tensors.empty() || c.callback_tensors.back().first != static_cast<size_t>(index))
        c.callback_tensors.push_back({static_cast<size_t>(index), {}});
      c.callback_tensors.back().second.emplace_back(name.substr(slash + 1), t);
    } else {
      throw Error(cat(where, ": unexpected tensor '", printable(name), "'"));
    }
  }
  return c;
}

}  // namespace plateau
