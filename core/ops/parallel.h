#pragma once
// Fixed-slice parallel loops. A loop over n items is cut into slices of a fixed size that does
// not depend on the thread count; each slice is run by one thread from start to end. Results
// that are summed across slices are summed afterwards in slice order, so every result is
// bit-identical whatever the number of threads (ARCHITECTURE.md §4).

#include <algorithm>
#include <cstdint>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau::ops {

// Calls f(i) for i in [0, n), in parallel for large n: for elementwise updates (an optimizer's), where
// each element is independent and so the result cannot depend on the thread count.
template <typename F>
void for_each_element(int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) f(i);
}

inline int64_t slice_count(int64_t n, int64_t slice) { return n <= 0 ? 0 : (n + slice - 1) / slice; }

// Calls body(index, begin, end) for slice index = 0 … slice_count-1, covering [0, n).
// A single slice runs on the calling thread: waking the others (and, on a busy machine, waiting for them
// to be scheduled at the barrier) would cost more than it does.
template <typename Body>
void for_each_slice(int64_t n, int64_t slice, Body&& body) {
  const int64_t count = slice_count(n, slice);
#pragma omp parallel for schedule(dynamic, 1) if (count > 1)
  for (int64_t i = 0; i < count; ++i) {
    const int64_t begin = i * slice;
    body(i, begin, std::min(n, begin + slice));
  }
}

// Σ p[0..n) in double with 8 interleaved accumulators added in a fixed order: the same result on every
// run and thread count, and a loop that vectorizes (one running sum would wait on each add).
inline double sum_fixed_order(const float* p, int64_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += p[i + j];
  for (int j = 0; i < n; ++i, ++j) acc[j] += p[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// out = 0 + parts[0] + parts[1] + … summed in slice order for every element (out's values before are not
// read: it may be uninitialized); every part has out's shape. Elements are spread over the threads in
// fixed slices, each zeroed where it is summed (in the cache); each element's sum keeps the order.
inline void sum_in_order(const std::vector<Tensor>& parts, Tensor& out) {
  for_each_slice(out.numel(), 4096, [&](int64_t, int64_t i0, int64_t i1) {
    std::fill(out.data() + i0, out.data() + i1, 0.0f);
    for (const Tensor& part : parts)
      for (int64_t i = i0; i < i1; ++i) out[i] += part[i];
  });
}

}  // namespace plateau::ops
