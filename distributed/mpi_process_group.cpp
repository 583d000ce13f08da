#include "plateau/distributed/mpi_process_group.h"

#include <mpi.h>

#include <cstdlib>
#include <limits>

#include "plateau/core/error.h"

namespace plateau::distributed {
namespace {

int mpi_count(size_t n, const char* what) {
  PLATEAU_CHECK(n <= static_cast<size_t>(std::numeric_limits<int>::max()), "MPI: ", what, " of ", n,
                " values is more than one message holds");
  return static_cast<int>(n);
}

// Every rank's `mine` concatenated in rank order (MPI_Allgatherv after the counts).
template <typename T>
std::vector<T> gather_all(std::span<const T> mine, MPI_Datatype type, int size) {
  const int count = mpi_count(mine.size(), "all_gather");
  std::vector<int> counts(static_cast<size_t>(size)), offsets(static_cast<size_t>(size));
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  size_t total = 0;
  for (int r = 0; r < size; ++r) {
    offsets[static_cast<size_t>(r)] = mpi_count(total, "all_gather");
    total += static_cast<size_t>(counts[static_cast<size_t>(r)]);
  }
  std::vector<T> all(total);
  MPI_Allgatherv(mine.data(), count, type, all.data(), counts.data(), offsets.data(), type, MPI_COMM_WORLD);
  return all;
}

}  // namespace

MpiProcessGroup::MpiProcessGroup(int* argc, char*** argv) {
  int provided = 0;
  // Only the main thread calls MPI; OpenMP threads compute between the calls.
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiProcessGroup::~MpiProcessGroup() { MPI_Finalize(); }

bool MpiProcessGroup::launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(name)) return true;
  return false;
}

std::vector<double> MpiProcessGroup::all_gather(std::span<const double> mine) {
  return gather_all(mine, MPI_DOUBLE, size_);
}

std::vector<float> MpiProcessGroup::all_gather(std::span<const float> mine) { return gather_all(mine, MPI_FLOAT, size_); }

void MpiProcessGroup::all_reduce_sum(std::span<float> values) {
  MPI_Allreduce(MPI_IN_PLACE, values.data(), mpi_count(values.size(), "all_reduce_sum"), MPI_FLOAT, MPI_SUM,
                MPI_COMM_WORLD);
}

std::string MpiProcessGroup::broadcast(const std::string& text) {
  unsigned long long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  std::string out = rank_ == 0 ? text : std::string(static_cast<size_t>(length), '\0');
  MPI_Bcast(out.data(), mpi_count(out.size(), "broadcast"), MPI_CHAR, 0, MPI_COMM_WORLD);
  return out;
}

bool MpiProcessGroup::all_true(bool ok) {
  int mine = ok ? 1 : 0, all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return all != 0;
}

void MpiProcessGroup::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);  // MPI_Abort does not return; this satisfies [[noreturn]]
}

}  // namespace plateau::distributed
