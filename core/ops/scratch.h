#pragma once
// Internal to core/ops: per-thread scratch buffers kept between calls, so that a training step allocates
// each one once.

#include <cstdint>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau::ops {

// buffer grown to at least n elements (never shrunk); its data.
template <typename T>
T* at_least(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

// The same for a Tensor, for buffers that must be 64-byte aligned (every Tensor is); grown uninitialized.
inline float* at_least(Tensor& buffer, int64_t n) {
  if (buffer.numel() < n) buffer = Tensor::uninitialized(Shape{n});
  return buffer.data();
}

}  // namespace plateau::ops
