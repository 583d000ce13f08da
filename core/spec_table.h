#pragma once
// The spec factories' tables (layers, optimizers, schedules, callbacks): one row {name, maker} per kind,
// from which the list of valid names is derived, so that the list cannot drift from the factory.
//
//   const SpecEntry<MakeOptimizer> kOptimizers[] = {{"SGD", make_sgd}, {"Adam", make_adam}};
//   const auto* e = find_entry(kOptimizers, "SGD");  // null when unknown; entry_names(kOptimizers) for the error

#include <cstddef>
#include <string>
#include <vector>

namespace plateau {

template <typename Maker>
struct SpecEntry {
  const char* name;
  Maker make;
};

template <typename Entry, size_t N>
std::vector<std::string> entry_names(const Entry (&table)[N]) {
  std::vector<std::string> names;
  for (const Entry& e : table) names.push_back(e.name);
  return names;
}

template <typename Entry, size_t N>
const Entry* find_entry(const Entry (&table)[N], const std::string& name) {
  for (const Entry& e : table)
    if (name == e.name) return &e;
  return nullptr;
}

}  // namespace plateau
