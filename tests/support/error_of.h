#pragma once
// error_of(f): the message of the plateau::Error that f throws, or "(no error)".

#include <functional>
#include <string>

#include "plateau/core/error.h"

namespace plateau::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace plateau::testing
