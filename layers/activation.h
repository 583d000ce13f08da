#pragma once
// Activation(name): Keras' activation layer, and the named activations that Conv2D and Dense apply.

#include <string>
#include <vector>

#include "plateau/layers/layer.h"

namespace plateau {

const std::vector<std::string>& activation_names();  // relu, sigmoid, tanh, softmax, linear
void check_activation_name(const std::string& name, const std::string& where);
Variable apply_activation(const std::string& name, const Variable& x);

// Keras: keras.layers.Activation; PyTorch: torch.nn.ReLU, Sigmoid, Tanh, Softmax(dim=-1).
// Usage:
//   Sequential seq;
//   seq.add(Dense({.units = 64})).add(Activation("relu"));
class Activation : public Layer {
 public:
  explicit Activation(std::string activation);

  std::string type() const override { return "Activation"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  std::string activation() const override { return activation_; }
  Variable forward(const Variable& x) override;
  Variable forward_without_softmax(const Variable& x) override;

 private:
  std::string activation_;
};

}  // namespace plateau
