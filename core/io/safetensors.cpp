#include "core/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace plateau::io {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxHeader = 100ull << 20;  // 100 MiB, as the reference implementation

uint64_t read_u64_le(const std::string& bytes) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(bytes[static_cast<size_t>(i)]);
  return v;
}

void append_u64_le(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

bool TensorFile::contains(const std::string& name) const {
  return std::any_of(tensors.begin(), tensors.end(), [&](const auto& t) { return t.first == name; });
}

const Tensor& TensorFile::at(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return t;
  std::string names;
  for (const auto& [n, t] : tensors) {
    if (!names.empty()) names += ", ";
    names += n;
  }
  throw Error(cat("no tensor named '", name, "' (present: ", names, ")"));
}

std::string encode_safetensors(const TensorFile& file) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : file.tensors) {
    PLATEAU_CHECK(name != "__metadata__" && !header.contains(name), "safetensors: duplicate or reserved name '", name,
                  "'");
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * sizeof(float);
    header[name] = {{"dtype", "F32"}, {"shape", t.shape().dims()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');  // data starts 8-byte aligned
  std::string out;
  out.reserve(8 + text.size() + offset);
  append_u64_le(out, text.size());
  out += text;
  for (const auto& [name, t] : file.tensors)
    out.append(reinterpret_cast<const char*>(t.data()), static_cast<size_t>(t.numel()) * sizeof(float));
  return out;
}

TensorFile decode_safetensors(const std::string& bytes, const std::string& source) {
  const std::string where = "safetensors file '" + source + "'";
  PLATEAU_CHECK(bytes.size() >= 8, where, ": ", bytes.size(), " bytes is too short for the 8-byte header length");
  const uint64_t header_len = read_u64_le(bytes);
  PLATEAU_CHECK(header_len <= kMaxHeader && header_len <= bytes.size() - 8, where, ": header length ", header_len,
                " exceeds the file's ", bytes.size() - 8, " remaining bytes");
  json header;
  try {
    header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(header_len));
  } catch (const json::exception& e) {
    throw Error(cat(where, ": header is not valid JSON (", e.what(), ")"));
  }
  PLATEAU_CHECK(header.is_object(), where, ": header is not a JSON object");
  const uint64_t data_len = bytes.size() - 8 - header_len;
  const char* data = bytes.data() + 8 + header_len;

  TensorFile file;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::vector<std::tuple<uint64_t, std::string, Tensor>> found;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      PLATEAU_CHECK(entry.is_object(), where, ": __metadata__ is not an object");
      for (const auto& [k, v] : entry.items()) {
        PLATEAU_CHECK(v.is_string(), where, ": metadata value for '", k, "' is not a string");
        file.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    PLATEAU_CHECK(entry.is_object() && entry.contains("dtype") && entry.contains("shape") &&
                      entry.contains("data_offsets"),
                  where, ": entry '", name, "' needs dtype, shape and data_offsets");
    PLATEAU_CHECK(entry["dtype"] == "F32", where, ": tensor '", name, "' has dtype ", entry["dtype"].dump(),
                  ", only F32 is supported");
    const json& shape_json = entry["shape"];
    const json& offsets = entry["data_offsets"];
    PLATEAU_CHECK(shape_json.is_array(), where, ": tensor '", name, "' shape is not an array");
    std::vector<int64_t> dims;
    for (const json& d : shape_json) {
      PLATEAU_CHECK(d.is_number_unsigned(), where, ": tensor '", name, "' has an invalid dimension ", d.dump());
      dims.push_back(d.get<int64_t>());
    }
    PLATEAU_CHECK(offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() &&
                      offsets[1].is_number_unsigned(),
                  where, ": tensor '", name, "' data_offsets must be two non-negative integers");
    const uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    const Shape shape(dims);
    PLATEAU_CHECK(begin <= end && end <= data_len, where, ": tensor '", name, "' data_offsets [", begin, ",", end,
                  "] lie outside the ", data_len, " data bytes");
    PLATEAU_CHECK(end - begin == static_cast<uint64_t>(shape.numel()) * sizeof(float), where, ": tensor '", name,
                  "' of shape ", shape, " needs ", shape.numel() * 4, " bytes, its offsets give ", end - begin);
    Tensor t(shape);
    if (end > begin) std::memcpy(t.data(), data + begin, end - begin);
    ranges.push_back({begin, end});
    found.emplace_back(begin, name, std::move(t));
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t covered = 0;
  for (const auto& [b, e] : ranges) {
    PLATEAU_CHECK(b == covered, where, ": tensor data is not contiguous at byte ", b, " (expected ", covered, ")");
    covered = e;
  }
  PLATEAU_CHECK(covered == data_len, where, ": ", data_len - covered, " trailing bytes after the last tensor");
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (auto& [b, name, t] : found) file.tensors.emplace_back(name, std::move(t));
  return file;
}

void write_safetensors(const std::string& path, const TensorFile& file) {
  write_file_atomically(path, encode_safetensors(file));
}

TensorFile read_safetensors(const std::string& path) { return decode_safetensors(read_file(path), path); }

}  // namespace plateau::io
