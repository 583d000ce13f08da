#include "apps/mpi_world.h"

#include <cstdio>
#include <memory>

#ifdef PLATEAU_HAS_MPI
#include "plateau/distributed/mpi_process_group.h"
#endif

namespace plateau::apps {
namespace {

#ifdef PLATEAU_HAS_MPI
std::unique_ptr<distributed::MpiProcessGroup> g_world;
#endif

}  // namespace

MpiWorld::MpiWorld([[maybe_unused]] int* argc, [[maybe_unused]] char*** argv) {
#ifdef PLATEAU_HAS_MPI
  if (distributed::MpiProcessGroup::launched_by_mpi()) g_world = std::make_unique<distributed::MpiProcessGroup>(argc, argv);
#endif
}

MpiWorld::~MpiWorld() {
#ifdef PLATEAU_HAS_MPI
  g_world.reset();
#endif
}

ProcessGroup* world() {
#ifdef PLATEAU_HAS_MPI
  if (g_world && g_world->size() > 1) return g_world.get();
#endif
  return nullptr;
}

void abort_world([[maybe_unused]] int code) {
#ifdef PLATEAU_HAS_MPI
  if (g_world && g_world->size() > 1) {
    std::fflush(stdout);
    std::fflush(stderr);
    g_world->abort(code);
  }
#endif
}

}  // namespace plateau::apps
