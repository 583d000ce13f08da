#include "plateau/core/build_info.h"

#include <Eigen/Core>

#include "plateau/core/error.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/version.h"

namespace plateau {
namespace {

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown compiler";
#endif
}

}  // namespace

std::string build_description() {
  std::vector<std::string> sets;
  for (const char* s : ops::kernel_sets()) sets.emplace_back(s);
  return cat("plateau ", PLATEAU_VERSION, "; kernels ", ops::kernel_set(), " (of ", join(sets), "); mixed_bfloat16 on ",
             ops::bfloat16_on_amx() ? "AMX" : "the float32 GEMM", "; ", compiler());
}

nlohmann::json build_info() {
  nlohmann::json sets = nlohmann::json::array();
  for (const char* s : ops::kernel_sets()) sets.push_back(s);
  return {{"plateau", PLATEAU_VERSION},
          {"kernels", ops::kernel_set()},
          {"kernel_sets", sets},
          {"bfloat16_on_amx", ops::bfloat16_on_amx()},
          {"compiler", compiler()},
          {"eigen", cat(EIGEN_WORLD_VERSION, ".", EIGEN_MAJOR_VERSION, ".", EIGEN_MINOR_VERSION)}};
}

}  // namespace plateau
