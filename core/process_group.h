#pragma once
// ProcessGroup: the processes that train one model together (MPI ranks), as core sees them: which one
// this is, how many there are, and the few collectives data-parallel training needs. core knows only
// this interface; distributed/mpi_process_group.h implements it with MPI. Every process must call the
// same collectives in the same order, as with MPI itself.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace plateau {

// PyTorch: torch.distributed.ProcessGroup; Horovod: hvd.rank() / hvd.size() and its collectives.
// Usage:
//   if (ProcessGroup* group = model.data_parallel().group)  // distributed::MpiProcessGroup, under mpirun
//     std::printf("rank %d of %d\n", group->rank(), group->size());
class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every process's values concatenated in rank order; each process may give a different count.
  virtual std::vector<double> all_gather(std::span<const double> mine) = 0;
  virtual std::vector<float> all_gather(std::span<const float> mine) = 0;
  // values = the element-wise sum over processes (MPI_Allreduce): its order of additions is MPI's, the
  // same from step to step for one number of processes but not across numbers.
  virtual void all_reduce_sum(std::span<float> values) = 0;
  // Rank 0's text, on every process.
  virtual std::string broadcast(const std::string& text) = 0;
  // True on every process when `ok` is true on all of them.
  virtual bool all_true(bool ok) = 0;
};

}  // namespace plateau
