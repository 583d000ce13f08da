#pragma once
// SpecArgs: typed reading of one JSON spec object ({"name":"StepLR","step_size":7}, a layer, an
// optimizer, a callback). Each reader names its key and its fallback — the options struct's own
// default, so that every default is written once — and so declares the key valid; done() then
// refuses any other key, listing the valid ones. A value of the wrong type is an error naming the
// key and the value. Missing or null keys take the fallback.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/core/error.h"

namespace plateau {

// Keras: the argument checking of from_config / keras.optimizers.get; PyTorch: the keyword arguments
// of torch.optim.SGD(…), whose TypeError names an unexpected one.
// Usage:
//   const nlohmann::json spec = {{"name", "SGD"}, {"lr", 0.1}};
//   const SGDOptions d;
//   SpecArgs a(spec, "SGD");
//   SGDOptions o{.lr = a.number("lr", d.lr), .momentum = a.number("momentum", d.momentum)};
//   a.done();  // with "momentun" in the spec: "SGD: unknown argument 'momentun' (valid: lr, momentum, name)"
class SpecArgs {
 public:
  // `what` names the object in errors ("Conv2D", "StepLR"); `always` are keys every spec of its kind may hold.
  SpecArgs(const nlohmann::json& spec, std::string what, std::vector<std::string> always = {"type", "name"});

  const std::string& what() const { return what_; }
  bool has(const std::string& key) const;
  // Marks the key required: done() reports it when absent (after any unknown key, which explains more).
  void require(const std::string& key) const;

  int integer(const std::string& key, int fallback) const;
  int64_t integer64(const std::string& key, int64_t fallback) const;
  double number(const std::string& key, double fallback) const;
  std::optional<double> optional_number(const std::string& key, std::optional<double> fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  // An int n means (n, n), as Keras' kernel_size, strides and pool_size.
  std::array<int, 2> pair(const std::string& key, std::array<int, 2> fallback) const;
  std::vector<double> numbers(const std::string& key, std::vector<double> fallback) const;  // a list
  std::vector<int64_t> integers(const std::string& key, std::vector<int64_t> fallback) const;
  const nlohmann::json& raw(const std::string& key) const;  // for nested specs; required

  // After every key has been read: a key no reader asked for is an error listing the valid ones; then
  // a required key that is absent is one.
  void done() const;
  // maker(*this), then done(). When the maker fails and a key is unknown, the unknown key is what is
  // reported: a misspelt key explains a "missing required argument" best.
  template <typename Maker>
  auto build(Maker maker) const {
    try {
      auto made = maker(*this);
      done();
      return made;
    } catch (const Error&) {
      done();
      throw;
    }
  }

 private:
  const nlohmann::json* lookup(const std::string& key) const;  // declares the key; null when absent or null

  const nlohmann::json& spec_;
  std::string what_;
  std::vector<std::string> always_;
  mutable std::vector<std::string> known_;    // the keys read, in order
  mutable std::vector<std::string> missing_;  // required and absent
};

}  // namespace plateau
