#pragma once
// safetensors (https://huggingface.co/docs/safetensors): 8-byte little-endian header length, a JSON
// header {"name": {"dtype","shape","data_offsets"}, "__metadata__": {string: string}}, then the raw
// little-endian data. We write and read F32 tensors. A read checks everything before returning, so a
// corrupt file never yields a partial result.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau::io {

struct TensorFile {
  StateDict tensors;  // in file order of data offsets
  std::map<std::string, std::string> metadata;

  bool contains(const std::string& name) const;
  const Tensor& at(const std::string& name) const;  // error lists the names present
};

std::string encode_safetensors(const TensorFile& file);
TensorFile decode_safetensors(const std::string& bytes, const std::string& source_name);

void write_safetensors(const std::string& path, const TensorFile& file);  // crash-safe
TensorFile read_safetensors(const std::string& path);

}  // namespace plateau::io
