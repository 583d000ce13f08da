#pragma once
// Crash-safe file writes: the bytes go to a temporary file in the target's directory, which is
// fsync'd and then renamed over the target (and the directory fsync'd). A reader sees either the
// old file or the complete new one, never a partial write.

#include <cstdint>
#include <string>
#include <string_view>

namespace plateau::io {

void write_file_atomically(const std::string& path, std::string_view bytes);
std::string read_file(const std::string& path);  // whole file; error names the path and the reason
// The first `lines` lines of a text file (newlines kept); "" when the file does not exist. Resuming
// logs keeps what a checkpoint had written and drops rows written after it.
std::string read_first_lines(const std::string& path, int64_t lines);

}  // namespace plateau::io
