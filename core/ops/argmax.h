#pragma once
// The argmax of a max pooling: per pooled element, the position h·W + w of its window's maximum within its
// (H, W) plane. Every element is written by the pooling that makes it, so the vector is grown without
// zeroing: a value-initializing std::vector<int32_t> wrote the first layer's 2.8 MB of them twice, the
// zeros on one thread before the pooling's parallel pass.

#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace plateau::ops {

// std::allocator, except that resize() and the size constructor leave new elements default-initialized
// (for int32_t: not written) instead of value-initialized (zeroed).
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using Argmax = std::vector<int32_t, DefaultInitAllocator<int32_t>>;

}  // namespace plateau::ops
