#pragma once
// Runs the built plateau binary (PLATEAU_BINARY) and captures its exit code, stdout and stderr.

#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/scratch_dir.h"

namespace plateau::testing {

struct CliResult {
  int status;
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_file_text(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

// metrics.csv as rows of fields without the last, wall-time column (the only one that may differ between
// two runs of the same training).
inline std::vector<std::vector<std::string>> rows_without_seconds(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::istringstream f(line);
    std::string field;
    while (std::getline(f, field, ',')) fields.push_back(field);
    if (!fields.empty()) fields.pop_back();
    rows.push_back(fields);
  }
  return rows;
}

inline CliResult run_plateau(const std::string& args) {
  static int counter = 0;
  // named by process too: ctest runs test processes side by side, each counting from 1
  const std::string err_file = ::testing::TempDir() + "plateau_cli_err_" + std::to_string(getpid()) + "_" +
                               std::to_string(++counter) + ".txt";
  const std::string cmd = std::string(PLATEAU_BINARY) + " " + args + " 2>" + err_file;
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  std::string err;
  if (FILE* f = fopen(err_file.c_str(), "r")) {
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) err.append(buf, n);
    fclose(f);
  }
  std::remove(err_file.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err};
}

}  // namespace plateau::testing
