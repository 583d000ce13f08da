// How OpenMP's idle threads wait, for the plateau program.
//
// Between parallel loops libgomp's threads spin, by default 300,000 rounds (about a millisecond here),
// before they sleep. On a machine shared with another busy process that spinning is what stalls
// training: the other process takes the core of the thread that holds the last slice of a loop, and
// the rest wait for it. Measured here (2 threads, seed CNN, one epoch of 20,000 images, beside one
// `yes` process): 12–18 s with the default, 6.0–6.9 s with 5,000 rounds, 5.9–6.2 s with
// OMP_WAIT_POLICY=passive; idle: 3.01 s, 3.11 s and 3.28 s (medians of 4). So the program asks for
// 5,000 rounds unless the user chose otherwise. Only when threads go to sleep changes, never a result.
//
// libgomp reads its environment once, when the program is loaded, before main() — and before the C
// library has its own environment in place, so not even a .preinit_array function can set it in time.
// The program therefore sets the variable and runs itself again (execv keeps the process, its pid and
// its MPI launcher's environment); the cost is one exec, a few milliseconds.
#include "apps/openmp_wait.h"

#include <unistd.h>

#include <cstdlib>

namespace plateau::apps {

void use_short_openmp_spin(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
  if (setenv("GOMP_SPINCOUNT", "5000", 0) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with libgomp's default
}

}  // namespace plateau::apps
