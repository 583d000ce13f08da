#pragma once
// Crash-safe file writes: the bytes go to a temporary file in the target's directory, which is
// fsync'd and then renamed over the target (and the directory fsync'd). A reader sees either the
// old file or the complete new one, never a partial write.

#include <cstdint>
#include <string>
#include <string_view>

namespace plateau::io {

void write_file_atomically(const std::string& path, std::string_view bytes);

// Files read as data must be regular files (not /dev/zero, a FIFO or a directory) of at most
// `max_bytes`; both are checked before anything is read or allocated.
inline constexpr int64_t kMaxDataFileBytes = int64_t{8} << 30;  // 8 GiB
std::string read_file(const std::string& path, int64_t max_bytes = kMaxDataFileBytes);
int64_t regular_file_size(const std::string& path);  // the checks of read_file; the size in bytes
// Questions about a path that never throw: a path that is too long or cannot be looked at is "no".
bool exists(const std::string& path);
bool is_regular_file(const std::string& path);
bool is_directory(const std::string& path);

// Directory operations whose failures (a read-only or full disk, a file in the way) are Errors naming
// the path and the reason, not std::filesystem_error.
void create_directories(const std::string& path);
void remove_file(const std::string& path);  // absent is fine

// The first `lines` lines of a text file (newlines kept); "" when the file does not exist. Resuming
// logs keeps what a checkpoint had written and drops rows written after it.
std::string read_first_lines(const std::string& path, int64_t lines);

}  // namespace plateau::io
