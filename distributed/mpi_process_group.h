#pragma once
// MpiProcessGroup: core's ProcessGroup over MPI's world communicator (Open MPI from Debian), for
// data-parallel `plateau train` and distributed `plateau sweep` under mpirun or srun. It starts MPI
// when made and finishes it when destroyed: one per process, made only when the process was started
// by an MPI launcher (launched_by_mpi()), so a plain run never touches MPI.

#include <string>

#include "plateau/core/process_group.h"

namespace plateau::distributed {

// Horovod: hvd.init() with hvd.rank(), hvd.size() and its allgather / allreduce / broadcast.
// Usage:
//   if (MpiProcessGroup::launched_by_mpi()) {
//     MpiProcessGroup world(&argc, &argv);
//     model.set_data_parallel({.group = &world});
//   }
class MpiProcessGroup : public ProcessGroup {
 public:
  MpiProcessGroup(int* argc, char*** argv);
  ~MpiProcessGroup() override;
  MpiProcessGroup(const MpiProcessGroup&) = delete;
  MpiProcessGroup& operator=(const MpiProcessGroup&) = delete;

  // Whether an MPI launcher (Open MPI's mpirun, a PMI or PMIx one such as Slurm's srun) started this
  // process: its environment says so.
  static bool launched_by_mpi();

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::vector<double> all_gather(std::span<const double> mine) override;
  std::vector<float> all_gather(std::span<const float> mine) override;
  void all_reduce_sum(std::span<float> values) override;
  std::string broadcast(const std::string& text) override;
  bool all_true(bool ok) override;
  // Ends every process of the job with `code` (MPI_Abort): after an error on one rank, so that the
  // others are not left waiting in a collective.
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace plateau::distributed
