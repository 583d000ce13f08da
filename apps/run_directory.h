#pragma once
// RunDirectory: the directory one `plateau train` writes, guarded so that no run is silently lost.
//  - A new run goes only into a directory that is absent or empty (or holds only the error.log of a
//    run that failed before it began); an earlier run there is refused with a line that suggests
//    --resume or --overwrite, and --overwrite deletes only a directory that is a plateau run's.
//  - While a process writes the directory it holds an exclusive flock(2) on it; a second process gets
//    one clear line instead of mixing its files in.
//  - A run that fails before it has made any progress leaves nothing behind but error.log, which says
//    why; one that fails later keeps its checkpoints (to --resume) and adds error.log.
// Nothing is created until claim(), which fit() reaches only after every option has been checked.

#include <string>

namespace plateau::apps {

class RunDirectory {
 public:
  enum class Mode { Fresh, Overwrite, Resume };
  // Checks what can be checked without touching the disk (an earlier run in the way of a fresh one).
  RunDirectory(std::string path, Mode mode);
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::string& path() const { return path_; }
  // Creates the directory, takes the lock, checks again under the lock, and (Overwrite) empties it.
  void claim();
  bool claimed() const { return fd_ >= 0; }
  // A failure after claim(): error.log says why; without a checkpoint of any progress, the rest goes.
  void fail(const std::string& message);

 private:
  void check_contents() const;  // throws when the mode does not fit what the directory holds

  std::string path_;
  Mode mode_;
  int fd_ = -1;  // the locked directory
};

}  // namespace plateau::apps
