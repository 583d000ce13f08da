// Compiled once, at the baseline: every kernel set (kernels.h) reads the one split installed here.
#include "plateau/core/ops/batch_split.h"

#include <algorithm>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau::ops {
namespace {

// Per thread: the thread that runs a training step installs it and calls the kernels (a test may run
// several processes' steps as threads of one process).
thread_local const BatchSplit* g_split = nullptr;

// The installed split, checked against the number of samples a kernel was given.
const BatchSplit* split_for(int64_t n) {
  if (g_split)
    PLATEAU_CHECK(n == g_split->samples(), "a kernel got ", n, " samples in a training step whose split gives this "
                  "process ", g_split->samples(), " of ", g_split->batch);
  return g_split;
}

bool across_processes(const BatchSplit* s) { return s && s->group && s->group->size() > 1; }

}  // namespace

BatchSplit BatchSplit::of(int64_t batch, int shards, int rank, int ranks) {
  PLATEAU_CHECK(ranks >= 1 && rank >= 0 && rank < ranks, "BatchSplit: rank ", rank, " of ", ranks);
  PLATEAU_CHECK(shards >= 1, "BatchSplit: shards must be positive, got ", shards);
  const int64_t S = std::min<int64_t>(shards, batch);  // a short last batch: one sample a shard
  PLATEAU_CHECK(ranks <= S, "a batch of ", batch, " samples in ", shards, " shards cannot be spread over ", ranks,
                " processes (each needs a shard of at least one sample)");
  auto bound = [&](int64_t i) { return i * batch / S; };
  const int64_t f = rank * S / ranks, l = (rank + 1) * S / ranks;
  BatchSplit split{.batch = batch, .first = bound(f)};
  for (int64_t i = f; i < l; ++i) split.shard_ends.push_back(bound(i + 1) - split.first);
  return split;
}

const BatchSplit* batch_split() { return g_split; }

ScopedBatchSplit::ScopedBatchSplit(const BatchSplit* split) : previous_(g_split) { g_split = split; }
ScopedBatchSplit::~ScopedBatchSplit() { g_split = previous_; }

std::vector<SampleSlice> sample_slices(int64_t n, int64_t slice) {
  const BatchSplit* s = split_for(n);
  const std::vector<int64_t> ends = s ? s->shard_ends : std::vector<int64_t>{n};
  std::vector<SampleSlice> slices;
  int64_t start = 0;
  for (const int64_t end : ends) {
    for (int64_t b = start; b < end; b += slice) slices.push_back({b, std::min(end, b + slice)});
    start = end;
  }
  return slices;
}

int64_t batch_samples(int64_t n) {
  const BatchSplit* s = split_for(n);
  return across_processes(s) ? s->batch : n;
}

void sum_slice_parts(const std::vector<Tensor>& parts, Tensor& out) {
  const BatchSplit* s = g_split;
  if (!across_processes(s)) {
    sum_in_order(parts, out);
    return;
  }
  const int64_t numel = out.numel();
  if (s->reduction == Reduction::Fast) {  // this process's sum, then the sum over processes, in place
    sum_in_order(parts, out);
    s->group->all_reduce_sum(std::span<float>(out.data(), static_cast<size_t>(numel)));
    return;
  }
  std::vector<float> flat(parts.size() * static_cast<size_t>(numel));
  for (size_t i = 0; i < parts.size(); ++i) std::copy(parts[i].data(), parts[i].data() + numel, flat.data() + i * numel);
  const std::vector<float> all = s->group->all_gather(std::span<const float>(flat));
  const int64_t count = static_cast<int64_t>(all.size()) / numel;
  for_each_slice(numel, 4096, [&](int64_t, int64_t i0, int64_t i1) {
    std::fill(out.data() + i0, out.data() + i1, 0.0f);
    for (int64_t p = 0; p < count; ++p)
      for (int64_t i = i0; i < i1; ++i) out[i] += all[p * numel + i];
  });
}

double sum_over_batch(std::vector<double> terms) {
  double total = 0.0;
  for (const double t : gather_samples(std::move(terms))) total += t;
  return total;
}

std::vector<double> gather_samples(std::vector<double> mine) {
  const BatchSplit* s = g_split;
  return across_processes(s) ? s->group->all_gather(std::span<const double>(mine)) : mine;
}

std::vector<float> gather_samples(std::vector<float> mine) {
  const BatchSplit* s = g_split;
  return across_processes(s) ? s->group->all_gather(std::span<const float>(mine)) : mine;
}

DrawsAround draws_around(int64_t n, int64_t per_sample) {
  const BatchSplit* s = split_for(n);
  if (!across_processes(s)) return {0, 0};
  return {s->first * per_sample, (s->batch - s->first - n) * per_sample};
}

}  // namespace plateau::ops
