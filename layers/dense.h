#pragma once
// Dense: Keras arguments and defaults; weights in PyTorch layout (weight [out,in], bias [out]).
// Input per sample (F) -> (units). A 3-D (image) input is an error: add Flatten first.

#include <string>

#include "plateau/layers/layer.h"

namespace plateau {

struct DenseOptions {
  int units = 0;
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
};

// Keras: keras.layers.Dense; PyTorch: torch.nn.Linear (plus the activation).
// Usage:
//   Sequential seq;
//   seq.add(Flatten()).add(Dense({.units = 10, .activation = "softmax"}));
class Dense : public Layer {
 public:
  explicit Dense(DenseOptions options);

  std::string type() const override { return "Dense"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  std::string activation() const override { return options_.activation; }
  Variable forward(const Variable& x) override;
  Variable forward_without_softmax(const Variable& x) override;

 private:
  Variable affine(const Variable& x);

  DenseOptions options_;
  Variable weight_, bias_;
};

}  // namespace plateau
