// A 100 GB claim in a 1 KB file, in each format plateau reads, is refused without allocating it: the
// reader runs in a child process whose address space is capped at 1 GiB, where allocating what the
// file claims would fail with std::bad_alloc (or kill the child); it must throw plateau::Error instead.
// (How fast the refusal is, is measured by bench/file_formats_bench.) Not under AddressSanitizer, which
// reserves terabytes of shadow memory and so cannot run under such a cap.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/datasets/idx.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "tests/support/hostile_files.h"
#include "tests/support/scratch_dir.h"
#include "plateau/training/checkpoint.h"

#if defined(__SANITIZE_ADDRESS__)
#define PLATEAU_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PLATEAU_UNDER_ASAN 1
#endif
#endif

namespace plateau {
namespace {

namespace fs = std::filesystem;

// 0: read() threw plateau::Error; 1: it returned; 2: it threw something else; a signal: it was killed.
int outcome_under_1gib(const std::function<void()>& read) {
  const pid_t pid = fork();
  if (pid == 0) {
    const rlimit cap{1ull << 30, 1ull << 30};
    setrlimit(RLIMIT_AS, &cap);
    try {
      read();
      _exit(1);
    } catch (const Error&) {
      _exit(0);
    } catch (...) {
      _exit(2);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

fs::path write_file(const std::string& name, const std::string& bytes) {
  static const fs::path dir = testing::scratch_dir("plateau_claims");
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

TEST(HostileClaims, AHundredGigabyteClaimInAKilobyteFileIsRefusedWithoutAllocatingIt) {
#ifdef PLATEAU_UNDER_ASAN
  GTEST_SKIP() << "an address-space cap cannot hold under AddressSanitizer";
#endif
  for (const auto& [name, bytes] : testing::hundred_gigabyte_claims()) {
    const fs::path file = write_file(name, bytes);
    ASSERT_LE(fs::file_size(file), 2048u) << name;
    std::function<void()> read;
    if (name.find("idx") != std::string::npos) read = [&] { read_idx(file.string()); };
    if (name == "safetensors") read = [&] { io::read_safetensors(file.string()); };
    if (name == "checkpoint") read = [&] { read_checkpoint(file.string()); };
    if (name == "weights_model_spec")
      read = [&] {
        const nlohmann::json spec = model_spec_from_weights(file.string());
        build_model(spec, model_input_shape(spec), 0);
      };
    ASSERT_TRUE(read) << name;
    EXPECT_EQ(outcome_under_1gib(read), 0) << name << ": not refused with a plateau::Error under a 1 GiB cap";
  }
}

TEST(HostileClaims, TheCapWouldCatchAReaderThatAllocatesWhatItIsTold) {
#ifdef PLATEAU_UNDER_ASAN
  GTEST_SKIP() << "an address-space cap cannot hold under AddressSanitizer";
#endif
  // The check above can fail: a 100 GB allocation under the cap is not a plateau::Error.
  EXPECT_NE(outcome_under_1gib([] { std::vector<char> v(size_t{100} << 30, 1); }), 0);
}

}  // namespace
}  // namespace plateau
