#include "apps/run_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau::apps {
namespace {

namespace fs = std::filesystem;

constexpr const char* kErrorLog = "error.log";

// The entries of `dir` other than a failed start's error.log.
std::vector<std::string> contents(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename() != kErrorLog) out.push_back(e.path().filename().string());
  PLATEAU_CHECK(!ec, "cannot read run directory '", printable(dir, 200), "': ", ec.message());
  return out;
}

bool is_plateau_run(const std::string& dir) {
  return io::exists((fs::path(dir) / "run.json").string()) || io::exists((fs::path(dir) / "checkpoints").string()) ||
         io::exists((fs::path(dir) / kErrorLog).string());
}

// A checkpoint written after at least one batch: ckpt-e0000-b000000 is the one of train begin.
bool has_progress(const std::string& dir) {
  std::error_code ec;
  const fs::path checkpoints = fs::path(dir) / "checkpoints";
  if (!fs::is_directory(checkpoints, ec)) return false;
  for (const auto& e : fs::directory_iterator(checkpoints, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("ckpt-", 0) == 0 && name.rfind("ckpt-e0000-b000000", 0) != 0) return true;
  }
  return false;
}

}  // namespace

RunDirectory::RunDirectory(std::string path, Mode mode) : path_(std::move(path)), mode_(mode) {
  PLATEAU_CHECK(!path_.empty(), "the run directory has no name");
  std::error_code ec;
  PLATEAU_CHECK(!fs::exists(path_, ec) || fs::is_directory(path_, ec), "run directory '", printable(path_, 200),
                "' is a file, not a directory");
  check_contents();
}

RunDirectory::~RunDirectory() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void RunDirectory::check_contents() const {
  const std::string where = printable(path_, 200);
  const std::vector<std::string> present = contents(path_);
  if (mode_ == Mode::Resume) {
    PLATEAU_CHECK(io::exists((fs::path(path_) / "run.json").string()), "--resume: '", where, "' has no run.json; is it a run directory?");
  } else if (mode_ == Mode::Overwrite) {
    PLATEAU_CHECK(present.empty() || is_plateau_run(path_), "--overwrite: '", where,
                  "' is not a plateau run directory (no run.json, checkpoints/ or error.log); refusing to delete ",
                  present.size(), " entries in it");
  } else {
    PLATEAU_CHECK(present.empty(), "run directory '", where, "' already holds ",
                  is_plateau_run(path_) ? "a run" : "other files", "; continue it with --resume ", where,
                  ", or start over with --overwrite (which deletes it), or choose another --run-dir");
  }
}

void RunDirectory::claim() {
  if (fd_ >= 0) return;
  io::create_directories(path_);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  PLATEAU_CHECK(fd_ >= 0, "cannot open run directory '", printable(path_, 200), "': ", std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    PLATEAU_CHECK(err != EWOULDBLOCK, "run directory '", printable(path_, 200),
                  "' is in use by another plateau process; wait for it to end or choose another --run-dir");
    throw Error(cat("cannot lock run directory '", printable(path_, 200), "': ", std::strerror(err)));
  }
  check_contents();  // again: another process may have written it since the constructor looked
  if (mode_ != Mode::Resume) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(path_, ec)) fs::remove_all(e.path(), ec);
    PLATEAU_CHECK(!ec, "cannot empty run directory '", printable(path_, 200), "': ", ec.message());
  }
}

void RunDirectory::fail(const std::string& message) {
  if (fd_ < 0) return;
  std::error_code ec;
  if (mode_ != Mode::Resume && !has_progress(path_))
    for (const auto& e : fs::directory_iterator(path_, ec)) fs::remove_all(e.path(), ec);
  io::write_file_atomically((fs::path(path_) / kErrorLog).string(), "plateau: " + message + "\n");
}

}  // namespace plateau::apps
