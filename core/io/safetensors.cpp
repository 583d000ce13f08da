#include "plateau/core/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <limits>
#include <set>
#include <tuple>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"

namespace plateau::io {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxHeader = 100ull << 20;  // 100 MiB, as the reference implementation
constexpr size_t kMaxRank = 8;

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
  throw Error(cat("no tensor named '", printable(name), "' (present: ", printable(names, 300), ")"));
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
  // Every number in the header is checked against the file's own size before it sizes anything:
  // a tensor cannot be bigger than the data bytes that follow the header.
  const std::string where = "safetensors file '" + printable(source, 200) + "'";
  PLATEAU_CHECK(bytes.size() >= 8, where, ": ", bytes.size(), " bytes is too short for the 8-byte header length");
  const uint64_t header_len = read_u64_le(bytes);
  PLATEAU_CHECK(header_len <= kMaxHeader && header_len <= bytes.size() - 8, where, ": header length ", header_len,
                " exceeds the file's ", bytes.size() - 8, " remaining bytes (or the 100 MiB limit)");
  const json header =
      parse_json_text(bytes.substr(8, static_cast<size_t>(header_len)), where + ": the header");
  PLATEAU_CHECK(header.is_object(), where, ": header is not a JSON object");
  const uint64_t data_len = bytes.size() - 8 - header_len;
  const char* data = bytes.data() + 8 + header_len;

  TensorFile file;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  std::vector<std::tuple<uint64_t, std::string, Shape>> found;
  for (const auto& [name, entry] : JsonField(header, where).items()) {
    if (name == "__metadata__") {
      for (const auto& [k, v] : entry.items()) file.metadata[k] = v.text();
      continue;
    }
    const std::string tensor = "tensor '" + printable(name) + "'";
    const std::string dtype = entry.at("dtype").text();
    PLATEAU_CHECK(dtype == "F32", where, ": ", tensor, " has dtype ", json_for_message(dtype),
                  ", only F32 is supported");
    const JsonField shape_json = entry.at("shape");
    PLATEAU_CHECK(shape_json.expect_array().size() <= kMaxRank, where, ": ", tensor, " has ", shape_json.size(),
                  " dimensions, more than ", kMaxRank);
    std::vector<int64_t> dims = shape_json.integers(0, std::numeric_limits<int64_t>::max());
    const JsonField offsets = entry.at("data_offsets");
    PLATEAU_CHECK(offsets.expect_array().size() == 2, where, ": ", tensor, " data_offsets must be two integers");
    const uint64_t begin = offsets.at(0).unsigned_integer(), end = offsets.at(1).unsigned_integer();
    PLATEAU_CHECK(begin <= end && end <= data_len, where, ": ", tensor, " data_offsets [", begin, ",", end,
                  "] lie outside the ", data_len, " data bytes");
    const Shape shape(std::move(dims));  // its element count cannot overflow (Shape checks)
    const uint64_t numel = static_cast<uint64_t>(shape.numel());
    PLATEAU_CHECK(numel <= (end - begin) / sizeof(float) && numel * sizeof(float) == end - begin, where, ": ",
                  tensor, " of shape ", shape, " needs ", numel, " x 4 bytes, its offsets give ", end - begin);
    ranges.push_back({begin, end});
    found.emplace_back(begin, name, shape);
  }
  std::sort(ranges.begin(), ranges.end());
  uint64_t covered = 0;
  for (const auto& [b, e] : ranges) {
    PLATEAU_CHECK(b == covered, where, ": tensor data is not contiguous at byte ", b, " (expected ", covered, ")");
    covered = e;
  }
  PLATEAU_CHECK(covered == data_len, where, ": ", data_len - covered, " trailing bytes after the last tensor");
  // Only now, with every size known to fit inside the file, are the tensors allocated.
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (auto& [begin, name, shape] : found) {
    Tensor t = Tensor::uninitialized(shape);
    if (t.numel() > 0) std::memcpy(t.data(), data + begin, static_cast<size_t>(t.numel()) * sizeof(float));
    file.tensors.emplace_back(name, std::move(t));
  }
  return file;
}

void write_safetensors(const std::string& path, const TensorFile& file) {
  write_file_atomically(path, encode_safetensors(file));
}

TensorFile read_safetensors(const std::string& path) { return decode_safetensors(read_file(path), path); }

}  // namespace plateau::io
