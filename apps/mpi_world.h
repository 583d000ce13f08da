#pragma once
// MpiWorld: the MPI job this process is part of. main() makes one; it starts MPI only when an MPI
// launcher (mpirun, srun) started the process and plateau was built with MPI (PLATEAU_MPI), so a
// plain `plateau train` never touches MPI. Commands ask world() for the job's ProcessGroup.

#include "plateau/core/process_group.h"

namespace plateau::apps {

class MpiWorld {
 public:
  MpiWorld(int* argc, char*** argv);
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;
};

// The job's processes, or null for a process alone (no launcher, or a job of one).
ProcessGroup* world();

// Ends the whole job with `code` after an error on this process, so that no other waits for it in a
// collective; returns (doing nothing) for a process alone.
void abort_world(int code);

}  // namespace plateau::apps
