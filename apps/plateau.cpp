// plateau: the command-line program. The only code that catches plateau::Error.
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.h"

int main(int argc, char** argv) {
  try {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "train") {
      std::puts("plateau train: not yet implemented");
      return 0;
    }
    std::fprintf(stderr, "plateau: unknown command '%s'\n", cmd.c_str());
    return 2;
  } catch (const plateau::Error& e) {
    std::fprintf(stderr, "plateau: %s\n", e.what());
    return 2;
  }
}
