#pragma once
// Thread control for the OpenMP kernels. The default is PLATEAU_NUM_THREADS when set, else all
// cores. Results never depend on the count: kernels split reductions into fixed slices.

namespace plateau {

int num_threads();
void set_num_threads(int n);  // n >= 1

}  // namespace plateau
