#pragma once
// MaxPooling2D: Keras arguments and defaults (strides default to pool_size). No weights.

#include <array>
#include <string>

#include "plateau/core/ops/max_pool2d.h"
#include "plateau/layers/layer.h"

namespace plateau {

struct MaxPooling2DOptions {
  std::array<int, 2> pool_size{2, 2};
  std::array<int, 2> strides{0, 0};  // 0 means "same as pool_size", Keras' strides=None
  std::string padding = "valid";
};

// Keras: keras.layers.MaxPooling2D; PyTorch: torch.nn.MaxPool2d.
// Usage:
//   Sequential seq;
//   seq.add(Conv2D({.filters = 32, .activation = "relu"})).add(MaxPooling2D({.pool_size = {2, 2}}));
class MaxPooling2D : public Layer {
 public:
  explicit MaxPooling2D(MaxPooling2DOptions options = {});

  std::string type() const override { return "MaxPooling2D"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  Variable forward(const Variable& x) override;
  const ops::MaxPool2dParams& params() const { return params_; }  // set by build()

 private:
  MaxPooling2DOptions options_;
  ops::MaxPool2dParams params_;
};

}  // namespace plateau
