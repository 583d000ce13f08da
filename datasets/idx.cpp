#include "datasets/idx.h"

#include <zlib.h>

#include <filesystem>

#include "core/error.h"

namespace plateau {
namespace {

// Whole file, gunzipped when it starts with the gzip magic (zlib reads plain files unchanged).
std::string read_maybe_gzip(const std::string& path) {
  PLATEAU_CHECK(std::filesystem::is_regular_file(path), "IDX file '", path, "' does not exist");
  gzFile f = gzopen(path.c_str(), "rb");
  PLATEAU_CHECK(f != nullptr, "cannot open IDX file '", path, "'");
  std::string out;
  char buffer[1 << 16];
  while (true) {
    const int n = gzread(f, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw Error(cat("IDX file '", path, "' is corrupt: ", why));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  int code = 0;
  const std::string why = gzerror(f, &code);
  gzclose(f);
  PLATEAU_CHECK(code == Z_OK || code == Z_STREAM_END, "IDX file '", path, "' is corrupt: ", why);
  return out;
}

}  // namespace

IdxArray decode_idx(const std::string& bytes, const std::string& source) {
  PLATEAU_CHECK(bytes.size() >= 4, "IDX file '", source, "': ", bytes.size(), " bytes is too short for a header");
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  PLATEAU_CHECK(byte(0) == 0 && byte(1) == 0 && byte(2) == 0x08, "IDX file '", source,
                "': wrong magic number (expected 00 00 08 for unsigned bytes, found ", int(byte(0)), " ", int(byte(1)),
                " ", int(byte(2)), ")");
  const size_t rank = byte(3);
  PLATEAU_CHECK(rank >= 1 && rank <= 4, "IDX file '", source, "': rank ", rank, " is not between 1 and 4");
  const size_t header = 4 + 4 * rank;
  PLATEAU_CHECK(bytes.size() >= header, "IDX file '", source, "': truncated header (", bytes.size(), " bytes, expected ",
                header, ")");
  IdxArray a;
  uint64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    const size_t o = 4 + 4 * d;
    const uint32_t n = (uint32_t(byte(o)) << 24) | (uint32_t(byte(o + 1)) << 16) | (uint32_t(byte(o + 2)) << 8) |
                       uint32_t(byte(o + 3));
    a.dims.push_back(n);
    count *= n;
  }
  PLATEAU_CHECK(bytes.size() - header == count, "IDX file '", source, "': expected ", count,
                " data bytes for its dimensions, found ", bytes.size() - header,
                bytes.size() - header < count ? " (the file is truncated)" : "");
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return a;
}

IdxArray read_idx(const std::string& path) { return decode_idx(read_maybe_gzip(path), path); }

}  // namespace plateau
