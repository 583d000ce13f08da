// IDX files, raw or gzip'd (datasets/idx.h): any bytes give an IdxArray whose data matches its
// dimensions, or a plateau::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plateau/core/error.h"
#include "plateau/datasets/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const plateau::IdxArray a = plateau::decode_idx_file(bytes, "fuzz.idx");
    int64_t count = 1;
    for (int64_t d : a.dims) count *= d;
    if (count != static_cast<int64_t>(a.data.size())) __builtin_trap();
  } catch (const plateau::Error&) {
  }
  return 0;
}
