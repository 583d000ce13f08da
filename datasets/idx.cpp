#include "plateau/datasets/idx.h"

#include <zlib.h>

#include "plateau/core/checked_math.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau {
namespace {

constexpr int64_t kMaxDeflateRatio = 1032;  // zlib's technical details: at most 1032:1

struct IdxHeader {
  size_t size = 0;           // 4 + 4·rank bytes
  std::vector<int64_t> dims;
  int64_t data_bytes = 0;    // product of dims
};

// The header at the start of `bytes` (which holds at least its first 4 bytes).
IdxHeader parse_header(const std::string& bytes, const std::string& where) {
  PLATEAU_CHECK(bytes.size() >= 4, where, ": ", bytes.size(), " bytes is too short for a header");
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  PLATEAU_CHECK(byte(0) == 0 && byte(1) == 0 && byte(2) == 0x08, where,
                ": wrong magic number (expected 00 00 08 for unsigned bytes, found ", int(byte(0)), " ", int(byte(1)),
                " ", int(byte(2)), ")");
  const size_t rank = byte(3);
  PLATEAU_CHECK(rank >= 1 && rank <= 4, where, ": rank ", rank, " is not between 1 and 4");
  IdxHeader h;
  h.size = 4 + 4 * rank;
  PLATEAU_CHECK(bytes.size() >= h.size, where, ": truncated header (", bytes.size(), " bytes, expected ", h.size, ")");
  int64_t count = 1;
  for (size_t d = 0; d < rank; ++d) {
    const size_t o = 4 + 4 * d;
    const int64_t n = (int64_t{byte(o)} << 24) | (int64_t{byte(o + 1)} << 16) | (int64_t{byte(o + 2)} << 8) |
                      int64_t{byte(o + 3)};
    h.dims.push_back(n);
    count = checked_mul(count, n, where + ": the product of the dimensions");
  }
  h.data_bytes = count;
  return h;
}

// Appends up to `n` inflated bytes to `out`; returns zlib's status (Z_STREAM_END once the stream ended).
int inflate_append(z_stream& z, std::string& out, size_t n) {
  const size_t at = out.size();
  out.resize(at + n);
  z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
  z.avail_out = static_cast<uInt>(n);
  int status = Z_OK;
  while (z.avail_out > 0 && status == Z_OK) status = inflate(&z, Z_NO_FLUSH);
  out.resize(at + n - z.avail_out);
  return status;
}

// The IDX bytes inside a gzip file, checked as described in idx.h.
std::string gunzip_idx(const std::string& gz, const std::string& where) {
  PLATEAU_CHECK(gz.size() < (1u << 31), where, ": ", gz.size(), " compressed bytes is too many");
  z_stream z{};
  PLATEAU_CHECK(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK, where, ": cannot start zlib");
  struct End {
    z_stream& z;
    ~End() { inflateEnd(&z); }
  } end{z};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  auto check = [&](int status) {
    PLATEAU_CHECK(status == Z_OK || status == Z_STREAM_END, where, " is corrupt: ",
                  status == Z_BUF_ERROR ? "the compressed data is truncated" : z.msg ? z.msg : "bad gzip data");
  };
  // The header first: 4 bytes, then 4 per dimension.
  std::string data;
  int status = inflate_append(z, data, 4);
  check(status);
  if (status == Z_OK && data.size() == 4 && static_cast<uint8_t>(data[3]) <= 4) {
    status = inflate_append(z, data, 4 * static_cast<size_t>(static_cast<uint8_t>(data[3])));
    check(status);
  }
  const IdxHeader h = parse_header(data, where);
  const int64_t total = checked_add(static_cast<int64_t>(h.size), h.data_bytes, where + ": the inflated size");
  PLATEAU_CHECK(total <= kMaxIdxBytes, where, ": its header claims ", total, " bytes, more than the limit of ",
                kMaxIdxBytes);
  const int64_t ceiling = checked_mul(static_cast<int64_t>(gz.size()), kMaxDeflateRatio, where) + 1024;
  PLATEAU_CHECK(total <= ceiling, where, ": its header claims ", total, " bytes, more than ", gz.size(),
                " compressed bytes can hold (", ceiling, "); the file is truncated or forged");
  // Then exactly the data the header claims; fewer bytes is an error of decode_idx's, more is one here.
  if (status == Z_OK) {
    status = inflate_append(z, data, static_cast<size_t>(h.data_bytes));
    check(status);
  }
  if (status == Z_OK) {
    std::string more;
    status = inflate_append(z, more, 1);
    PLATEAU_CHECK(more.empty(), where, ": more data than its dimensions' ", h.data_bytes, " bytes");
    check(status);
    PLATEAU_CHECK(status == Z_STREAM_END, where, " is corrupt: the gzip stream does not end");
  }
  return data;
}

}  // namespace

IdxArray decode_idx(const std::string& bytes, const std::string& source) {
  const std::string where = "IDX file '" + printable(source, 200) + "'";
  const IdxHeader h = parse_header(bytes, where);
  const uint64_t present = bytes.size() - h.size;
  PLATEAU_CHECK(present == static_cast<uint64_t>(h.data_bytes), where, ": expected ", h.data_bytes,
                " data bytes for its dimensions, found ", present,
                present < static_cast<uint64_t>(h.data_bytes) ? " (the file is truncated)" : "");
  IdxArray a;
  a.dims = h.dims;
  a.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(h.size), bytes.end());
  return a;
}

IdxArray decode_idx_file(const std::string& bytes, const std::string& source) {
  const bool gzip = bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f && static_cast<uint8_t>(bytes[1]) == 0x8b;
  if (!gzip) return decode_idx(bytes, source);
  return decode_idx(gunzip_idx(bytes, "IDX file '" + printable(source, 200) + "'"), source);
}

IdxArray read_idx(const std::string& path) {
  return decode_idx_file(io::read_file(path, kMaxIdxBytes + 64), path);
}

}  // namespace plateau
