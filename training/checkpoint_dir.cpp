#include "plateau/training/checkpoint_dir.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau {

namespace fs = std::filesystem;

CheckpointDir::CheckpointDir(std::string dir, CheckpointDirOptions options)
    : dir_(std::move(dir)), options_(std::move(options)) {
  PLATEAU_CHECK(options_.keep_last >= 1, "CheckpointDir: keep_last must be at least 1, got ", options_.keep_last);
}

std::string CheckpointDir::file_name(const FitCursor& c) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "ckpt-e%04lld-b%06lld%s.safetensors", static_cast<long long>(c.epoch),
                static_cast<long long>(c.batch), c.finished ? "-final" : "");
  return buf;
}

std::vector<std::string> CheckpointDir::files() const {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("ckpt-", 0) == 0 && e.path().extension() == ".safetensors") out.push_back(e.path().string());
  }
  PLATEAU_CHECK(!ec, "cannot list checkpoint directory '", dir_, "': ", ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<TrainingCheckpoint> CheckpointDir::latest(std::vector<std::string>* warnings, std::string* path) const {
  const std::vector<std::string> all = files();
  std::vector<std::string> failures;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    try {
      TrainingCheckpoint c = read_checkpoint(*it);
      if (warnings)
        for (const auto& f : failures) warnings->push_back(f + "; using an older checkpoint");
      if (path) *path = *it;
      return c;
    } catch (const Error& e) {
      failures.push_back(e.what());
    }
  }
  PLATEAU_CHECK(failures.empty(), "no complete checkpoint in '", dir_, "': ", join(failures, "; "));
  return std::nullopt;
}

void CheckpointDir::save(TrainingCheckpoint checkpoint) {
  io::create_directories(dir_);
  checkpoint.config = options_.config;
  write_checkpoint((fs::path(dir_) / file_name(checkpoint.cursor)).string(), checkpoint);
  const std::vector<std::string> all = files();
  for (size_t i = 0; i + static_cast<size_t>(options_.keep_last) < all.size(); ++i) io::remove_file(all[i]);
}

}  // namespace plateau
