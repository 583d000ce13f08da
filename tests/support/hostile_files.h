#pragma once
// Small files (under 2 KB) that each claim about 100 GB in their own format, for the tests and the
// benchmark that check such claims are refused before anything that size is allocated.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "plateau/training/checkpoint.h"

namespace plateau::testing {

inline std::string idx_header(std::vector<uint32_t> dims) {
  std::string b{0, 0, 8, static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((d >> s) & 0xff));
  return b;
}

inline std::string gzip(const std::string& raw) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(raw.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string safetensors_bytes(const nlohmann::json& header, size_t data_bytes) {
  std::string text = header.dump();
  while (text.size() % 8) text.push_back(' ');
  std::string b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xff));
  return b + text + std::string(data_bytes, '\0');
}

// (format, bytes): IDX raw and gzip'd (100,000 x 1,000 x 1,000 bytes), safetensors (25e9 floats), a
// checkpoint (the same tensor, its CRC valid), and a weights file whose model spec asks for a Dense
// layer of 2^35 units (2^35 x 784 floats).
inline std::vector<std::pair<std::string, std::string>> hundred_gigabyte_claims() {
  const std::string idx = idx_header({100000, 1000, 1000}) + std::string(1000, '\0');
  const nlohmann::json huge = {{"dtype", "F32"}, {"shape", {25000000000LL}}, {"data_offsets", {0, 100000000000LL}}};
  std::string checkpoint = safetensors_bytes(
      {{"model/0.weight", huge},
       {"__metadata__", {{"format", "plateau-checkpoint"}, {"version", "1"}, {"state", "{}"}, {"checksum", "00000000"}}}},
      512);
  seal_checkpoint(checkpoint);
  const nlohmann::json spec = {{"layers", {{{"type", "Flatten"}}, {{"type", "Dense"}, {"units", 1LL << 35}}}}};
  return {{"idx", idx},
          {"idx_gzip", gzip(idx)},
          {"safetensors", safetensors_bytes({{"w", huge}}, 1000)},
          {"checkpoint", checkpoint},
          {"weights_model_spec", safetensors_bytes({{"__metadata__", {{"model", spec.dump()}}}}, 0)}};
}

}  // namespace plateau::testing
