#pragma once
// A fresh scratch directory for this test process: ctest runs test processes side by side (the core,
// layers and training suites once per kernel set at once), so a fixed name would be shared between them.

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace plateau::testing {

// <TempDir>/<name>_<pid>, emptied and created.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto d = std::filesystem::path(::testing::TempDir()) / (name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace plateau::testing
