#include "plateau/layers/dtype_policy.h"

#include "plateau/core/error.h"

namespace plateau {
namespace {

std::string& global_policy() {
  static std::string policy = "float32";
  return policy;
}

}  // namespace

const std::vector<std::string>& dtype_policies() {
  static const std::vector<std::string> names{"float32", "mixed_bfloat16"};
  return names;
}

void check_dtype_policy(const std::string& name) {
  for (const auto& n : dtype_policies())
    if (name == n) return;
  throw Error(cat("unknown dtype policy '", printable(name), "' (valid: ", join(dtype_policies()), ")"));
}

ops::ComputeType compute_type_of(const std::string& policy) {
  check_dtype_policy(policy);
  return policy == "mixed_bfloat16" ? ops::ComputeType::BFloat16 : ops::ComputeType::Float32;
}

const std::string& dtype_policy() { return global_policy(); }

void set_dtype_policy(const std::string& name) {
  check_dtype_policy(name);
  global_policy() = name;
}

}  // namespace plateau
