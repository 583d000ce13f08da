#pragma once
// Flatten: (N,C,H,W) -> (N, C·H·W) in channel-major order, as PyTorch's nn.Flatten, so the next
// Dense layer's weights match PyTorch's (Keras, channels-last, would order H,W,C).

#include "plateau/layers/layer.h"

namespace plateau {

// Keras: keras.layers.Flatten (but channel-major, see above); PyTorch: torch.nn.Flatten.
// Usage:
//   Sequential seq;
//   seq.add(Conv2D({.filters = 8})).add(Flatten()).add(Dense({.units = 10}));
class Flatten : public Layer {
 public:
  std::string type() const override { return "Flatten"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override { return {{"type", type()}}; }
  Variable forward(const Variable& x) override;
};

}  // namespace plateau
