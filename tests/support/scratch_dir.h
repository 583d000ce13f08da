#pragma once
// A fresh scratch directory for this test process: ctest runs test processes side by side (the core,
// layers and training suites once per kernel set at once), so a fixed name would be shared between them.

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace plateau::testing {

// <TempDir>/<name>_<pid>, emptied and created; removed with what it holds when the process that made it
// exits (a forked child that exits normally leaves its parent's directories alone).
inline std::filesystem::path scratch_dir(const std::string& name) {
  struct RemovedAtExit {
    std::vector<std::pair<pid_t, std::filesystem::path>> dirs;  // (the process that made it, the directory)
    ~RemovedAtExit() {
      for (const auto& [owner, d] : dirs) {
        if (owner != getpid()) continue;
        std::error_code ignored;  // a directory that cannot be removed is left behind
        std::filesystem::remove_all(d, ignored);
      }
    }
  };
  static RemovedAtExit removed;
  const auto d = std::filesystem::path(::testing::TempDir()) / (name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  removed.dirs.emplace_back(getpid(), d);
  return d;
}

}  // namespace plateau::testing
