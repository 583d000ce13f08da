#pragma once
// BatchSplit: how the batch of the training step under way is cut, so that every sum over samples comes
// out bit-identical however the batch is spread over processes and threads (ARCHITECTURE.md §4, "The
// exactness rule"). The batch of B samples is cut into a fixed number S of shards, shard i holding
// samples [⌊i·B/S⌋, ⌊(i+1)·B/S⌋); a process holds whole consecutive shards, in rank order. Every kernel
// that sums over samples does so
//  - per sample, then over samples in sample order (batch norm's statistics, the loss), or
//  - per fixed slice of samples, slices restarting at each shard's start, then over the slices in
//    order (the weight gradients of conv2d and linear);
// and, across processes, gathers those per-sample or per-slice partial results from every process
// before the same ordered sum. One process holding all S shards does exactly the same additions.
// With Reduction::Fast a process sums its own slices and the processes' sums are added by MPI_Allreduce
// instead: fewer bytes moved, exact only for one number of processes.
//
// fit() installs a split for each training step (ScopedBatchSplit); with none installed, kernels treat
// their input as the whole batch, in one shard.

#include <cstdint>
#include <vector>

#include "plateau/core/process_group.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

enum class Reduction { Exact, Fast };

struct BatchSplit {
  int64_t batch = 0;                // B: samples in the whole batch
  int64_t first = 0;                // this process's first sample in the batch
  std::vector<int64_t> shard_ends;  // the ends of this process's shards, relative to `first`
  ProcessGroup* group = nullptr;    // null: this process holds the whole batch
  Reduction reduction = Reduction::Exact;

  int64_t samples() const { return shard_ends.empty() ? 0 : shard_ends.back(); }  // this process's

  // Process `rank` of `ranks`' part of a batch of `batch` samples cut into `shards` shards: shards
  // [⌊rank·S/ranks⌋, ⌊(rank+1)·S/ranks⌋). Needs ranks <= shards <= batch.
  static BatchSplit of(int64_t batch, int shards, int rank, int ranks);
};

// The split of the training step under way, or null.
const BatchSplit* batch_split();

// Installs a split for its lifetime (one training step's forward and backward).
class ScopedBatchSplit {
 public:
  explicit ScopedBatchSplit(const BatchSplit* split);
  ~ScopedBatchSplit();
  ScopedBatchSplit(const ScopedBatchSplit&) = delete;
  ScopedBatchSplit& operator=(const ScopedBatchSplit&) = delete;

 private:
  const BatchSplit* previous_;
};

// The slices of `n` local samples for a sum over samples: `slice` samples each, restarting at every
// shard's start (one shard of n without a split). Each is [begin, end) in local samples.
struct SampleSlice {
  int64_t begin, end;
};
std::vector<SampleSlice> sample_slices(int64_t n, int64_t slice);

// Calls body(index, begin, end) for every slice, in parallel: each slice by one thread from start to end
// (a single slice on the calling thread, as for_each_slice).
template <typename Body>
void for_each_sample_slice(const std::vector<SampleSlice>& slices, Body&& body) {
  const int64_t count = static_cast<int64_t>(slices.size());
#pragma omp parallel for schedule(dynamic, 1) if (count > 1)
  for (int64_t i = 0; i < count; ++i) body(i, slices[i].begin, slices[i].end);
}

// Samples in the whole batch: n (this process's) without a split across processes.
int64_t batch_samples(int64_t n);

// out = Σ parts over the whole batch, from 0, part after part in slice order, element by element; `parts`
// are this process's, one per sample slice, each of out's shape. out's values before are not read.
void sum_slice_parts(const std::vector<Tensor>& parts, Tensor& out);

// Σ terms over the whole batch, added one after another from 0 in sample order: `terms` are this
// process's samples' terms in order (any number per sample), gathered with every other process's.
double sum_over_batch(std::vector<double> terms);

// Per-sample values of the whole batch in sample order: `mine` holds this process's samples' values
// (any fixed number per sample), returned as is without a split across processes.
std::vector<double> gather_samples(std::vector<double> mine);
std::vector<float> gather_samples(std::vector<float> mine);

// Before drawing a per-sample random quantity for this process's `n` samples, of `per_sample` draws
// each: how many draws the samples before this process's take, and how many those after it take.
struct DrawsAround {
  int64_t before, after;
};
DrawsAround draws_around(int64_t n, int64_t per_sample);

}  // namespace plateau::ops
