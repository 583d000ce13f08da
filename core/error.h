#pragma once
// plateau::Error: the one exception type of the library. Messages carry the offending values,
// e.g. "conv2d: input has 3 channels, weight expects 1 (input shape [128,3,28,28])".
// Library code throws; only apps/ catches and turns an error into one line and an exit code.

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plateau {

// Counterpart: the ValueError / TypeError Keras and PyTorch raise, with the values in the message.
// Usage:
//   try { const Tensor t(Shape{2, 3}, std::vector<float>{1, 2}); }
//   catch (const Error& e) { std::fprintf(stderr, "%s\n", e.what()); }  // names 6 and 2
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Concatenates any streamable values into one string: cat("got ", 3, " channels").
template <typename... Args>
std::string cat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

// "a, b, c": for error messages that list the valid choices.
inline std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Text from outside (a file, a flag) as it may appear in a message: bytes outside printable ASCII as
// \xNN, and cut to `max` characters with "..." so that a hostile value cannot flood the terminal.
inline std::string printable(std::string_view text, size_t max = 80) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (char ch : text) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace plateau

// PLATEAU_CHECK(cond, parts...): throws plateau::Error(cat(parts...)) when cond is false.
#define PLATEAU_CHECK(cond, ...)                              \
  do {                                                        \
    if (!(cond)) throw ::plateau::Error(::plateau::cat(__VA_ARGS__)); \
  } while (0)
