#include "plateau/layers/activation.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"

namespace plateau {

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names{"relu", "sigmoid", "tanh", "softmax", "linear"};
  return names;
}

void check_activation_name(const std::string& name, const std::string& where) {
  for (const auto& n : activation_names())
    if (n == name) return;
  throw Error(cat(where, ": unknown activation '", name, "' (valid: ", join(activation_names()), ")"));
}

Variable apply_activation(const std::string& name, const Variable& x) {
  if (name == "relu") return fn::relu(x);
  if (name == "sigmoid") return fn::sigmoid(x);
  if (name == "tanh") return fn::tanh(x);
  if (name == "softmax") {
    // Keras applies softmax over the last axis; our images are (N,C,H,W), so only (N,K) is allowed.
    PLATEAU_CHECK(x.shape().rank() == 2, "softmax activation needs (N,K) input, got shape ", x.shape());
    return fn::softmax(x);
  }
  if (name == "linear") return x;
  check_activation_name(name, "activation");
  return x;
}

Activation::Activation(std::string activation) : activation_(std::move(activation)) {
  check_activation_name(activation_, "Activation");
}

Shape Activation::build(const Shape& input, Rng&) {
  PLATEAU_CHECK(activation_ != "softmax" || input.rank() == 1, "Activation 'softmax' needs flat (F) input, got ",
                "per-sample shape ", input, " (add a Flatten layer before it)");
  mark_built();
  return input;
}

nlohmann::json Activation::config() const { return {{"type", type()}, {"activation", activation_}}; }

Variable Activation::forward(const Variable& x) { return apply_activation(activation_, x); }

Variable Activation::forward_without_softmax(const Variable& x) {
  return activation_ == "softmax" ? x : forward(x);
}

}  // namespace plateau
