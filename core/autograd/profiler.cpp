#include "plateau/core/autograd/profiler.h"

namespace plateau {
namespace {
thread_local std::string g_scope;
std::map<std::string, double>* g_timer = nullptr;
}  // namespace

ScopeGuard::ScopeGuard(std::string name) : previous_(std::move(g_scope)) { g_scope = std::move(name); }
ScopeGuard::~ScopeGuard() { g_scope = std::move(previous_); }
const std::string& current_scope() { return g_scope; }
void set_backward_timer(std::map<std::string, double>* sink) { g_timer = sink; }
std::map<std::string, double>* backward_timer() { return g_timer; }

}  // namespace plateau
