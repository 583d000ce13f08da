#pragma once
// DataParallel: how a Model trains on several processes at once (MPI ranks, each holding the whole
// model): each batch's shards are spread over the processes (core/ops/batch_split.h), every sum over
// samples is combined across them in a fixed order, validation and test batches are spread over them
// and their sums gathered, and rank 0 alone writes files. The same seed gives the same bits for any
// number of processes up to `shards` (Reduction::Exact), and for one process without MPI.

#include "plateau/core/ops/batch_split.h"
#include "plateau/core/process_group.h"

namespace plateau {

// Keras: keras.distribution.DataParallel; PyTorch: torch.nn.parallel.DistributedDataParallel.
// Usage:
//   model.set_data_parallel({.group = nullptr, .shards = 4});  // under mpirun: .group = &world, on every rank
//   const DataParallel dp = model.data_parallel();             // dp.size() == 1: this process alone
struct DataParallel {
  ProcessGroup* group = nullptr;  // null: this process alone
  // Every training batch is cut into this many shards (fewer when the batch is smaller): the unit a
  // process holds, so at most this many processes share a batch. Part of the numerics: the same
  // shards give the same bits on any number of processes.
  int shards = 4;
  ops::Reduction reduction = ops::Reduction::Exact;

  int rank() const { return group ? group->rank() : 0; }
  int size() const { return group ? group->size() : 1; }
};

}  // namespace plateau
