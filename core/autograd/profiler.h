#pragma once
// Attribution of work to named scopes (a model's layers) for `plateau profile`. A ScopeGuard names
// the scope of the ops created while it lives; each autograd node remembers the scope it was created
// in, and when a backward timer is installed, Variable::backward adds the time of each node's backward
// to its scope. A node belongs to exactly one scope, so nested work is never counted twice.

#include <map>
#include <string>

namespace plateau {

class ScopeGuard {
 public:
  explicit ScopeGuard(std::string name);
  ~ScopeGuard();
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  std::string previous_;
};

const std::string& current_scope();
// While set (non-null), backward() adds seconds per scope into *sink. Not thread-safe across threads
// running backward at once; the profiler runs one step at a time.
void set_backward_timer(std::map<std::string, double>* sink);
std::map<std::string, double>* backward_timer();

}  // namespace plateau
