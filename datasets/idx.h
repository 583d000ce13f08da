#pragma once
// IDX files (http://yann.lecun.com/exdb/mnist/): magic 0x0000 | type 0x08 (unsigned byte) | rank,
// then `rank` big-endian uint32 dimensions, then the data. Read raw or gzip'd; every size is checked
// against the file so a truncated or foreign file is an error naming the file, expected and found.
//
// Files from outside are hostile: the element count is computed overflow-safe and must equal the
// data present; a gzip'd file is inflated in memory only after its IDX header has been inflated and
// checked, to exactly the size the header claims, which may be at most kMaxIdxBytes and at most
// 1032 times the compressed size (deflate's largest ratio) — a "gzip bomb" is refused before its
// output is allocated.

#include <cstdint>
#include <string>
#include <vector>

namespace plateau {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

inline constexpr int64_t kMaxIdxBytes = int64_t{1} << 30;  // 1 GiB: 1.3 million 28x28 images (EMNIST has 0.7)

IdxArray read_idx(const std::string& path);
// `bytes`: the file's contents, raw or gzip'd (told apart by the gzip magic 1f 8b).
IdxArray decode_idx_file(const std::string& bytes, const std::string& source);
// `bytes`: raw IDX.
IdxArray decode_idx(const std::string& bytes, const std::string& source);

}  // namespace plateau
