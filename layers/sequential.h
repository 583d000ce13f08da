#pragma once
// Sequential: Keras' linear stack of layers. Layers are added, then built once from the per-sample
// input shape and a seed; each layer's weights come from its own stream derived from that seed.
// Layer i's parameters are named "<i>.<param>" in state_dict(), as in PyTorch's nn.Sequential.

#include <cstdint>
#include <memory>
#include <vector>

#include "plateau/layers/layer.h"

namespace plateau {

// Keras: keras.Sequential; PyTorch: torch.nn.Sequential.
// Usage:
//   Sequential mlp;
//   mlp.add(Flatten()).add(Dense({.units = 64, .activation = "relu"})).add(Dense({.units = 10, .activation = "softmax"}));
//   mlp.build(Shape{1, 28, 28}, /*seed=*/1);  // per-sample input shape, channels first
class Sequential : public Module {
 public:
  Sequential() = default;

  // Adds a layer; names it as Keras does (conv2d, conv2d_1, …) unless it already has a name.
  Sequential& add(std::unique_ptr<Layer> layer);
  template <typename L>
  Sequential& add(L layer) {
    return add(std::unique_ptr<Layer>(std::make_unique<L>(std::move(layer))));
  }

  // input: per-sample shape (C,H,W) or (F). Builds every layer; errors name the failing layer.
  void build(const Shape& input, uint64_t seed);
  bool built() const { return !output_shapes_.empty() || layers_.empty(); }

  Variable forward(const Variable& x) override;
  // forward() with the last layer's softmax left out: logits for a fused, stable cross-entropy.
  Variable forward_logits(const Variable& x);

  // The model runs as a list of steps of one layer each, except that a BatchNormalization directly followed
  // by a MaxPooling2D with disjoint windows runs as one fused op (BatchNormalization::forward_then_max_pool):
  // the same numbers, without writing and re-reading the normalized activation; and a model that starts
  // with a one-channel Conv2D → BatchNormalization → MaxPooling2D runs those three as one step
  // (BatchNormalization::forward_after_conv_then_max_pool). Set by build().
  struct Step {
    size_t first = 0, count = 1;  // layers [first, first + count)
  };
  const std::vector<Step>& steps() const { return steps_; }
  // Runs one step; without_softmax leaves out the step's last softmax (as forward_logits does).
  Variable forward_step(const Step& step, const Variable& x, bool without_softmax = false);
  bool ends_with_softmax() const;

  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  const Shape& input_shape() const { return input_shape_; }
  const std::vector<Shape>& output_shapes() const { return output_shapes_; }  // per layer, per sample
  // {"input_shape": [H,W,C] (Keras order), "layers": [layer configs]}
  nlohmann::json spec() const;

 private:
  bool fuses_first_three() const;  // whether layers 0-2 run as one step

  std::vector<std::unique_ptr<Layer>> layers_;
  Shape input_shape_;
  std::vector<Shape> output_shapes_;
  std::vector<Step> steps_;
};

// Keras input shapes are channels-last: (H,W,C) <-> our per-sample (C,H,W); (F) stays (F).
Shape keras_to_internal(const Shape& keras_shape);
Shape internal_to_keras(const Shape& shape);

}  // namespace plateau
