#pragma once
// Internal to core/ops: per-thread scratch buffers kept between calls, so that a training step allocates
// each one once.

#include <cstdint>
#include <vector>

namespace plateau::ops {

// buffer grown to at least n elements (never shrunk); its data.
template <typename T>
T* at_least(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

}  // namespace plateau::ops
