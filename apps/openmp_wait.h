#pragma once
// How OpenMP's idle threads wait, set for the plateau program (openmp_wait.cpp says why).

namespace plateau::apps {

// Unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set: sets GOMP_SPINCOUNT=30000 and runs this program again
// with the same arguments, since libgomp reads its environment once, when it is loaded, before main().
// Returns only when nothing is to be done or the program cannot run itself again.
void use_short_openmp_spin(char** argv);

}  // namespace plateau::apps
