#include "plateau/layers/module.h"

#include <map>

#include "plateau/core/error.h"

namespace plateau {

Variable& Module::register_parameter(const std::string& name, Tensor value) {
  parameters_.emplace_back(name, Variable(std::move(value), true));
  return parameters_.back().second;
}

Variable& Module::register_buffer(const std::string& name, Tensor value) {
  buffers_.emplace_back(name, Variable(std::move(value), false));
  return buffers_.back().second;
}

void Module::register_child(const std::string& name, Module* child) { children_.emplace_back(name, child); }

void Module::collect(const std::string& prefix, bool buffers,
                     std::vector<std::pair<std::string, Variable>>& out) const {
  for (const auto& [name, v] : buffers ? buffers_ : parameters_) out.emplace_back(prefix + name, v);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", buffers, out);
}

std::vector<std::pair<std::string, Variable>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Variable>> out;
  collect("", false, out);
  return out;
}

std::vector<std::pair<std::string, Variable>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Variable>> out;
  collect("", true, out);
  return out;
}

std::vector<Variable> Module::parameters() const {
  std::vector<Variable> out;
  for (auto& [name, v] : named_parameters()) out.push_back(v);
  return out;
}

int64_t Module::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, v] : named_parameters()) n += v.value().numel();
  return n;
}

int64_t Module::buffer_count() const {
  int64_t n = 0;
  for (const auto& [name, v] : named_buffers()) n += v.value().numel();
  return n;
}

StateDict Module::state_dict() const {
  // Order: each module's parameters then its buffers, children in order (as PyTorch).
  StateDict out;
  for (const auto& [name, v] : parameters_) out.emplace_back(name, v.value());
  for (const auto& [name, v] : buffers_) out.emplace_back(name, v.value());
  for (const auto& [child_name, child] : children_)
    for (auto& [name, t] : child->state_dict()) out.emplace_back(child_name + "." + name, std::move(t));
  return out;
}

void Module::load_state_dict(const StateDict& dict, const std::string& source) {
  check_state_dict(dict, source);
  auto targets = named_parameters();
  for (auto& b : named_buffers()) targets.push_back(b);
  for (auto& [name, v] : targets)
    for (const auto& [n, t] : dict)
      if (n == name) v.mutable_value() = t;
}

void Module::check_state_dict(const StateDict& dict, const std::string& source) const {
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, t] : dict) given[name] = &t;
  auto targets = named_parameters();
  for (auto& b : named_buffers()) targets.push_back(b);

  std::vector<std::string> missing, mismatched, unexpected;
  for (const auto& [name, v] : targets) {
    auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
    } else if (it->second->shape() != v.shape()) {
      mismatched.push_back(cat(name, " is ", it->second->shape(), " in ", source, ", the model expects ", v.shape()));
    }
    given.erase(name);
  }
  for (const auto& [name, t] : given) unexpected.push_back(name);
  if (!missing.empty() || !mismatched.empty() || !unexpected.empty()) {
    std::string problems;
    if (!missing.empty()) problems += " missing " + join(missing) + ";";
    if (!mismatched.empty()) problems += " shape mismatch: " + join(mismatched) + ";";
    if (!unexpected.empty()) problems += " unexpected " + join(unexpected) + ";";
    throw Error(cat(source, " does not match the model:", printable(problems, 600)));
  }
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

}  // namespace plateau
