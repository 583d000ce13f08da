#pragma once
// SpecArgs: typed reading of one JSON spec object ({"name":"StepLR","step_size":7}, a layer, an
// optimizer, a callback). Unknown keys are an error listing the valid ones; a value of the wrong
// type is an error naming the key and the value. Missing or null keys take the fallback.

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace plateau {

class SpecArgs {
 public:
  // `what` names the object in errors ("Conv2D", "StepLR"); `valid` are its keys besides `always`.
  SpecArgs(const nlohmann::json& spec, std::string what, std::vector<std::string> valid,
           std::vector<std::string> always = {"type", "name"});

  bool has(const std::string& key) const;
  void require(const std::string& key) const;  // error "missing required argument" when absent

  int integer(const std::string& key, int fallback) const;
  int64_t integer64(const std::string& key, int64_t fallback) const;
  double number(const std::string& key, double fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  // An int n means (n, n), as Keras' kernel_size, strides and pool_size.
  std::array<int, 2> pair(const std::string& key, std::array<int, 2> fallback) const;
  std::vector<double> numbers(const std::string& key, std::vector<double> fallback) const;  // a list
  std::vector<int64_t> integers(const std::string& key, std::vector<int64_t> fallback) const;
  const nlohmann::json& raw(const std::string& key) const;  // for nested specs

 private:
  const nlohmann::json& spec_;
  std::string what_;
};

}  // namespace plateau
