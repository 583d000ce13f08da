#pragma once
// IDX files (http://yann.lecun.com/exdb/mnist/): magic 0x0000 | type 0x08 (unsigned byte) | rank,
// then `rank` big-endian uint32 dimensions, then the data. Read raw or gzip'd; every size is checked
// against the file so a truncated or foreign file is an error naming the file, expected and found.

#include <cstdint>
#include <string>
#include <vector>

namespace plateau {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

IdxArray read_idx(const std::string& path);
IdxArray decode_idx(const std::string& bytes, const std::string& source);

}  // namespace plateau
