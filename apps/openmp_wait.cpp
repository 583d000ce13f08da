// How OpenMP's idle threads wait, for the plateau program.
//
// Between parallel loops libgomp's threads spin, by default 300,000 rounds (about a millisecond here),
// before they sleep. On a machine shared with another busy process that spinning is what stalls
// training: the other process takes the core of the thread that holds the last slice of a loop, and
// the rest wait for it. Spinning too little costs as much on an idle machine: a step has serial
// stretches of 20–250 µs between its loops (weight packing, allocations, the next batch), and a
// thread that went to sleep in one takes long to wake here. So the program asks for 30,000 rounds
// (about 100 µs) unless the user chose otherwise. Measured here (2 threads, seed CNN, second of two
// whole epochs, alternating): idle, 7.07–7.09 s with 30,000 rounds, 7.26–7.32 s with 20,000,
// 8.1–8.2 s with 5,000 (the earlier choice), 7.1–7.2 s with the default (mixed_bfloat16: 4.42–4.52 s
// with 30,000, 4.88–5.02 s with 5,000); beside one `yes` process, 19.5–19.8 s with 30,000, 17.8–18.0 s
// with 20,000, 14.9–15.1 s with 5,000 and 22.7–23.7 s with 50,000; beside a second `plateau train` at
// nice 5 (bench/compare_peers.py --load), 3.07x TensorFlow's throughput with 30,000. Only when
// threads go to sleep changes, never a result.
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
  if (setenv("GOMP_SPINCOUNT", "30000", 0) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: then run on with libgomp's default
}

}  // namespace plateau::apps
