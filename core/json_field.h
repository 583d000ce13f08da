#pragma once
// JsonField: one value inside a JSON document that came from outside (a checkpoint's state, run.json,
// results.json, a --config file, a weights file's metadata), with where it is: the source
// ("checkpoint 'runs/x/checkpoints/ckpt-e0001-b000000.safetensors'") and the key path
// ("cursor.epoch", "groups[0].steps[3]"). Every accessor checks the type (and the range) before it
// reads, and its Error names the source, the path, what was expected and the value found:
//   checkpoint '…': cursor.epoch must be an integer in [0, 9223372036854775807], got "x"
// It never throws nlohmann's exceptions, whatever the document holds.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace plateau {

// Keras/PyTorch counterpart: none (they read config dicts and let KeyError or TypeError escape).
// Usage:
//   const nlohmann::json doc = parse_json_text(R"({"epoch": 3})", "run.json");
//   const JsonField root(doc, "run.json");
//   const int64_t epoch = root.at("epoch").integer(0);  // else "run.json: epoch must be …, got …"
class JsonField {
 public:
  // `value` must outlive the field and every field taken from it.
  JsonField(const nlohmann::json& value, std::string source, std::string path = "");

  const nlohmann::json& value() const { return *value_; }
  const std::string& source() const { return source_; }
  const std::string& path() const { return path_; }

  bool is_null() const { return value_->is_null(); }
  // An object holding `key` with a value other than null.
  bool has(const std::string& key) const;
  JsonField at(const std::string& key) const;  // an object, and the key must be there
  JsonField at(size_t index) const;            // an array, and index < size()
  size_t size() const;                         // an array's elements or an object's keys
  std::vector<JsonField> elements() const;     // an array
  std::vector<std::pair<std::string, JsonField>> items() const;  // an object, in key order
  const JsonField& expect_object() const;
  const JsonField& expect_array() const;

  int64_t integer(int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max()) const;
  uint64_t unsigned_integer() const;  // the whole uint64 range (random-stream states)
  double number() const;              // any JSON number
  // A number, or "nan", "inf", "-inf" (JSON has no spelling for them; callbacks/state_json.h).
  double number_or_nonfinite() const;
  bool boolean() const;
  std::string text() const;
  std::vector<int64_t> integers(int64_t min = std::numeric_limits<int64_t>::min(),
                                int64_t max = std::numeric_limits<int64_t>::max()) const;
  std::vector<std::string> texts() const;

  // Throws "<source>: <path> must be <expected>, got <value>".
  [[noreturn]] void fail(const std::string& expected) const;

 private:
  const nlohmann::json* value_;
  std::string source_, path_;
};

// The value as JSON text for a message: never throws (invalid UTF-8 is replaced), escaped and cut short.
std::string json_for_message(const nlohmann::json& value, size_t max = 80);
// Parses JSON text from outside; a syntax error is an Error naming `source` (never nlohmann's exception).
nlohmann::json parse_json_text(const std::string& text, const std::string& source);

}  // namespace plateau
