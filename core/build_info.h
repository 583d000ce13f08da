#pragma once
// What this build of plateau is: its version, the kernel set in use (core/ops/kernels.h) and the sets it
// has, the compiler. For `plateau --version` and run.json.

#include <string>

#include <nlohmann/json.hpp>

namespace plateau {

// "plateau 0.2.0; kernels avx512 (of generic, avx2, avx512); GCC 12.2.0"
std::string build_description();
// {"plateau": "0.2.0", "kernels": "avx512", "kernel_sets": [...], "compiler": "...", "eigen": "3.4.0"}
nlohmann::json build_info();

}  // namespace plateau
