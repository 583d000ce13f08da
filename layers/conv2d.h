#pragma once
// Conv2D: Keras arguments and defaults; weights in PyTorch layout (weight [K,C,R,S], bias [K]).
// Input per sample (C,H,W) -> (filters, P, Q).

#include <array>
#include <string>

#include "plateau/core/ops/conv2d.h"
#include "plateau/layers/layer.h"

namespace plateau {

struct Conv2DOptions {
  int filters = 0;
  std::array<int, 2> kernel_size{3, 3};
  std::array<int, 2> strides{1, 1};
  std::string padding = "valid";  // "valid" | "same"
  std::string activation = "linear";
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
};

// Keras: keras.layers.Conv2D; PyTorch: torch.nn.Conv2d (plus the activation).
// Usage:
//   Sequential seq;
//   seq.add(Conv2D({.filters = 32, .kernel_size = {3, 3}, .padding = "same", .activation = "relu"}));
class Conv2D : public Layer {
 public:
  explicit Conv2D(Conv2DOptions options);

  std::string type() const override { return "Conv2D"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  std::string activation() const override { return options_.activation; }
  Variable forward(const Variable& x) override;
  Variable forward_without_softmax(const Variable& x) override;

  const Conv2DOptions& options() const { return options_; }
  // What the fused first step (BatchNormalization::forward_after_conv_then_max_pool) runs the convolution
  // with: its parameters, and its params under the layer's dtype policy (set by build()).
  const Variable& weight() const { return weight_; }
  const Variable& bias() const { return bias_; }
  ops::Conv2dParams params() const { return with_policy(params_); }

 private:
  Variable convolve(const Variable& x);
  ops::Conv2dParams with_policy(ops::Conv2dParams p) const;  // the compute type of the layer's dtype policy

  Conv2DOptions options_;
  ops::Conv2dParams params_;
  Variable weight_, bias_;
};

}  // namespace plateau
