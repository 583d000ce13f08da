#pragma once
// Python str.format templates as Keras' ModelCheckpoint uses them: "weights.{epoch:02d}-{val_loss:.4f}".
// Supported spec: [0][width][.precision][type] with type d, f, e, g, % or none (Python's repr for
// floats). A placeholder whose key is absent is an error naming it and the keys available.

#include <map>
#include <set>
#include <string>
#include <vector>

namespace plateau {

// `integers` names the keys whose values are integers (Keras passes epoch and batch as int).
std::string format_path_template(const std::string& templ, const std::map<std::string, double>& values,
                                 const std::set<std::string>& integers);
std::vector<std::string> template_keys(const std::string& templ);  // the placeholder names, in order

}  // namespace plateau
