#include "plateau/core/threads.h"

#include <omp.h>

#include <cstdlib>
#include <string>

#include "plateau/core/error.h"

namespace plateau {
namespace {

int initial_threads() {
  if (const char* env = std::getenv("PLATEAU_NUM_THREADS")) {
    char* end = nullptr;
    long n = std::strtol(env, &end, 10);
    PLATEAU_CHECK(end != env && *end == '\0' && n >= 1 && n <= 1024,
                  "PLATEAU_NUM_THREADS must be a whole number from 1 to 1024, got '", env, "'");
    return static_cast<int>(n);
  }
  return omp_get_num_procs();
}

int& current() {
  static int n = [] {
    int t = initial_threads();
    omp_set_num_threads(t);
    return t;
  }();
  return n;
}

}  // namespace

int num_threads() { return current(); }

void set_num_threads(int n) {
  PLATEAU_CHECK(n >= 1, "set_num_threads: thread count must be at least 1, got ", n);
  current() = n;
  omp_set_num_threads(n);
}

}  // namespace plateau
