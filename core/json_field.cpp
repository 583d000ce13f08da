#include "plateau/core/json_field.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"

namespace plateau {

using nlohmann::json;

std::string json_for_message(const json& value, size_t max) {
  return printable(value.dump(-1, ' ', false, json::error_handler_t::replace), max);
}

namespace {

// The deepest nesting of [ and { outside strings. nlohmann parses iteratively, but copying, comparing
// and printing a document recurse, so a hostile "[[[[…" must be refused before it is parsed.
size_t nesting_depth(const std::string& text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

constexpr size_t kMaxJsonDepth = 64;

}  // namespace

json parse_json_text(const std::string& text, const std::string& source) {
  const size_t depth = nesting_depth(text);
  PLATEAU_CHECK(depth <= kMaxJsonDepth, source, " nests ", depth, " levels deep, more than the ", kMaxJsonDepth,
                " plateau reads");
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw Error(cat(source, " is not valid JSON: ", printable(e.what(), 200)));
  }
}

JsonField::JsonField(const json& value, std::string source, std::string path)
    : value_(&value), source_(std::move(source)), path_(std::move(path)) {}

void JsonField::fail(const std::string& expected) const {
  throw Error(cat(source_, ": ", path_.empty() ? "the document" : path_, " must be ", expected, ", got ",
                  json_for_message(*value_)));
}

bool JsonField::has(const std::string& key) const {
  if (!value_->is_object()) return false;
  const auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

const JsonField& JsonField::expect_object() const {
  if (!value_->is_object()) fail("an object");
  return *this;
}

const JsonField& JsonField::expect_array() const {
  if (!value_->is_array()) fail("a list");
  return *this;
}

JsonField JsonField::at(const std::string& key) const {
  expect_object();
  const std::string path = path_.empty() ? key : path_ + "." + key;
  const auto it = value_->find(key);
  if (it == value_->end()) throw Error(cat(source_, ": ", printable(path), " is missing"));
  return JsonField(*it, source_, path);
}

JsonField JsonField::at(size_t index) const {
  expect_array();
  const std::string path = cat(path_, "[", index, "]");
  if (index >= value_->size())
    throw Error(cat(source_, ": ", path, " is missing (the list has ", value_->size(), " elements)"));
  return JsonField((*value_)[index], source_, path);
}

size_t JsonField::size() const {
  if (!value_->is_array() && !value_->is_object()) fail("a list or an object");
  return value_->size();
}

std::vector<JsonField> JsonField::elements() const {
  expect_array();
  std::vector<JsonField> out;
  out.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i) out.emplace_back((*value_)[i], source_, cat(path_, "[", i, "]"));
  return out;
}

std::vector<std::pair<std::string, JsonField>> JsonField::items() const {
  expect_object();
  std::vector<std::pair<std::string, JsonField>> out;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    out.emplace_back(it.key(), JsonField(it.value(), source_, path_.empty() ? it.key() : path_ + "." + it.key()));
  return out;
}

int64_t JsonField::integer(int64_t min, int64_t max) const {
  const std::string expected = min == std::numeric_limits<int64_t>::min() && max == std::numeric_limits<int64_t>::max()
                                   ? std::string("an integer")
                                   : cat("an integer in [", min, ", ", max, "]");
  if (value_->is_number_unsigned()) {
    const uint64_t u = value_->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || static_cast<int64_t>(u) > max) fail(expected);
    if (static_cast<int64_t>(u) < min) fail(expected);
    return static_cast<int64_t>(u);
  }
  if (!value_->is_number_integer()) fail(expected);
  const int64_t v = value_->get<int64_t>();
  if (v < min || v > max) fail(expected);
  return v;
}

uint64_t JsonField::unsigned_integer() const {
  if (!value_->is_number_unsigned()) fail("a non-negative integer");
  return value_->get<uint64_t>();
}

double JsonField::number() const {
  if (!value_->is_number()) fail("a number");
  return value_->get<double>();
}

double JsonField::number_or_nonfinite() const {
  if (value_->is_number()) return value_->get<double>();
  if (value_->is_string()) {
    const std::string& s = value_->get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return INFINITY;
    if (s == "-inf") return -INFINITY;
  }
  fail("a number or \"nan\", \"inf\", \"-inf\"");
}

bool JsonField::boolean() const {
  if (!value_->is_boolean()) fail("true or false");
  return value_->get<bool>();
}

std::string JsonField::text() const {
  if (!value_->is_string()) fail("a string");
  return value_->get<std::string>();
}

std::vector<int64_t> JsonField::integers(int64_t min, int64_t max) const {
  std::vector<int64_t> out;
  for (const JsonField& e : elements()) out.push_back(e.integer(min, max));
  return out;
}

std::vector<std::string> JsonField::texts() const {
  std::vector<std::string> out;
  for (const JsonField& e : elements()) out.push_back(e.text());
  return out;
}

}  // namespace plateau
