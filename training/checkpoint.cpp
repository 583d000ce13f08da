#include "training/checkpoint.h"

#include <zlib.h>

#include <cstdio>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"

namespace plateau {
namespace {

constexpr const char* kChecksumPlaceholder = "00000000";

std::string crc_hex(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t at = 0;
  while (at < bytes.size()) {  // crc32 takes an unsigned int length
    const size_t n = std::min<size_t>(bytes.size() - at, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    at += n;
  }
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
  return {{"epoch", c.epoch},       {"batch", c.batch},           {"global_step", c.global_step},
          {"loss_sum", c.loss_sum}, {"loss_weight", c.loss_weight}, {"accuracy_sum", c.accuracy_sum},
          {"accuracy_weight", c.accuracy_weight}, {"finished", c.finished}};
}

FitCursor cursor_from_json(const nlohmann::json& j) {
  return {j.at("epoch"),        j.at("batch"),        j.at("global_step"),     j.at("loss_sum"),
          j.at("loss_weight"),  j.at("accuracy_sum"), j.at("accuracy_weight"), j.at("finished")};
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
  const size_t at = checksum_position(bytes);
  PLATEAU_CHECK(at != std::string::npos, "checkpoint '", path, "': cannot place the checksum");
  bytes.replace(at, 8, crc_hex(bytes));
  io::write_file_atomically(path, bytes);
}

TrainingCheckpoint read_checkpoint(const std::string& path) {
  std::string bytes = io::read_file(path);
  const std::string where = "checkpoint '" + path + "'";
  const size_t at = checksum_position(bytes);
  PLATEAU_CHECK(at != std::string::npos, where, ": no checksum found (truncated, corrupt, or not a checkpoint)");
  const std::string stored = bytes.substr(at, 8);
  bytes.replace(at, 8, kChecksumPlaceholder);
  const std::string actual = crc_hex(bytes);
  PLATEAU_CHECK(stored == actual, where, ": checksum mismatch (stored ", stored, ", computed ", actual,
                "); the file is corrupt");
  bytes.replace(at, 8, stored);
  const io::TensorFile file = io::decode_safetensors(bytes, path);
  PLATEAU_CHECK(file.metadata.count("format") && file.metadata.at("format") == "plateau-checkpoint", where,
                ": not a plateau checkpoint");
  PLATEAU_CHECK(file.metadata.count("version") && file.metadata.at("version") == std::to_string(kCheckpointVersion),
                where, ": format version ", file.metadata.count("version") ? file.metadata.at("version") : "(none)",
                ", this build reads version ", kCheckpointVersion);
  TrainingCheckpoint c;
  try {
    const nlohmann::json state = nlohmann::json::parse(file.metadata.at("state"));
    c.optimizer.scalars = state.at("optimizer");
    c.callbacks = state.at("callbacks");
    c.cursor = cursor_from_json(state.at("cursor"));
    c.rng = state.at("rng");
    c.config = state.at("config");
    c.lr_changes = state.at("lr_changes");
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat(where, ": malformed state (", e.what(), ")"));
  }
  for (const auto& [name, t] : file.tensors) {
    if (name.rfind("model/", 0) == 0) {
      c.model.emplace_back(name.substr(6), t);
    } else if (name.rfind("optimizer/", 0) == 0) {
      c.optimizer.tensors.emplace_back(name.substr(10), t);
    } else if (name.rfind("callback/", 0) == 0) {
      const size_t slash = name.find('/', 9);
      PLATEAU_CHECK(slash != std::string::npos, where, ": bad tensor name '", name, "'");
      const size_t index = std::stoul(name.substr(9, slash - 9));
      if (c.callback_tensors.empty() || c.callback_tensors.back().first != index)
        c.callback_tensors.push_back({index, {}});
      c.callback_tensors.back().second.emplace_back(name.substr(slash + 1), t);
    } else {
      throw Error(cat(where, ": unexpected tensor '", name, "'"));
    }
  }
  return c;
}

}  // namespace plateau
