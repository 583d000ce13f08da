#include "plateau/core/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "plateau/core/error.h"

namespace plateau::io {
namespace {

std::string errno_text() { return std::strerror(errno); }

// The mode a file created with open(…, 0666) would get: mkstemp makes 0600 files, but a run's files
// should follow the user's umask like any other program's. (umask can only be read by setting it.)
mode_t file_mode() {
  static const mode_t mode = [] {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
  }();
  return mode;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string name = ".";
  name += target.filename().string();
  name += ".tmpXXXXXX";
  std::string tmp = (dir / name).string();
  const int fd = ::mkstemp(tmp.data());
  PLATEAU_CHECK(fd >= 0, "cannot create a temporary file beside '", printable(path, 200), "': ", errno_text());
  ::fchmod(fd, file_mode());
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      throw Error(cat("cannot write '", path, "': ", why));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw Error(cat("cannot flush '", path, "': ", why));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    throw Error(cat("cannot rename a temporary file to '", path, "': ", why));
  }
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {  // make the rename itself durable
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

namespace {

// An open file descriptor of a regular file, closed on scope exit.
struct RegularFile {
  int fd = -1;
  int64_t size = 0;
  explicit RegularFile(const std::string& path) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // O_NONBLOCK: a FIFO must not hang the open
    PLATEAU_CHECK(fd >= 0, "cannot open '", printable(path, 200), "': ", errno_text());
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw Error(cat("'", printable(path, 200), "' is not a regular file"));
    }
    size = static_cast<int64_t>(st.st_size);
  }
  ~RegularFile() { ::close(fd); }
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;
};

}  // namespace

int64_t regular_file_size(const std::string& path) { return RegularFile(path).size; }

std::string read_file(const std::string& path, int64_t max_bytes) {
  const RegularFile file(path);
  PLATEAU_CHECK(file.size <= max_bytes, "'", printable(path, 200), "' is ", file.size, " bytes, more than the ",
                max_bytes, " this file may have");
  std::string bytes(static_cast<size_t>(file.size), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(file.fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    PLATEAU_CHECK(n >= 0, "cannot read '", printable(path, 200), "': ", errno_text());
    if (n == 0) break;  // the file shrank while we read it: take what is there
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool is_regular_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

void create_directories(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  PLATEAU_CHECK(!ec, "cannot create directory '", printable(path, 200), "': ", ec.message());
}

void remove_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  PLATEAU_CHECK(!ec, "cannot remove '", printable(path, 200), "': ", ec.message());
}

std::string read_first_lines(const std::string& path, int64_t lines) {
  if (!exists(path)) return "";
  const std::string text = read_file(path);
  size_t at = 0;
  for (int64_t i = 0; i < lines && at < text.size(); ++i) {
    const size_t nl = text.find('\n', at);
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  return text.substr(0, at);
}

}  // namespace plateau::io
