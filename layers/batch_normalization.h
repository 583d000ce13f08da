#pragma once
// BatchNormalization over the channel axis (axis 1 of (N,C,H,W) or (N,F)), Keras arguments and
// defaults. Training: batch statistics, then moving = moving·momentum + batch·(1 − momentum) with
// the biased batch variance (Keras keras/src/layers/normalization/batch_normalization.py).
// Inference: moving statistics. Names as PyTorch: weight (γ), bias (β), running_mean, running_var.

#include "plateau/core/ops/max_pool2d.h"
#include "plateau/layers/conv2d.h"
#include "plateau/layers/layer.h"

namespace plateau {

struct BatchNormalizationOptions {
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // learn β
  bool scale = true;   // learn γ
};

// Keras: keras.layers.BatchNormalization; PyTorch: torch.nn.BatchNorm2d / BatchNorm1d with
// momentum = 1 − Keras' momentum.
// Usage:
//   Sequential seq;
//   seq.add(Conv2D({.filters = 32, .activation = "relu"})).add(BatchNormalization({.momentum = 0.9}));
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});

  std::string type() const override { return "BatchNormalization"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  Variable forward(const Variable& x) override;
  // forward() then 2-D max pooling with disjoint windows, fused into one op: what Sequential runs for a
  // BatchNormalization directly followed by such a MaxPooling2D (same results, one pass fewer over x).
  Variable forward_then_max_pool(const Variable& x, const ops::MaxPool2dParams& pool);
  // conv.forward(x) then forward_then_max_pool(), fused into one op (core/ops/conv2d_batch_norm_max_pool2d.h)
  // where it applies: a one-channel first convolution with a "relu" or "linear" activation whose input
  // needs no gradient, in training, or in inference without a graph. What Sequential runs for a model that
  // starts Conv2D → BatchNormalization → MaxPooling2D; elsewhere it runs the two steps.
  Variable forward_after_conv_then_max_pool(Conv2D& conv, const Variable& x, const ops::MaxPool2dParams& pool);
  // Whether the fused op takes a built `conv` with an input of shape x (N,C,H,W) and this pooling: a
  // "relu" or "linear" activation and the shapes ops::conv2d_batch_norm_max_pool2d_applies accepts.
  static bool fuses_after(const Conv2D& conv, const Shape& x, const ops::MaxPool2dParams& pool);

  const Tensor& running_mean() const { return running_mean_.value(); }
  const Tensor& running_var() const { return running_var_.value(); }

 private:
  void check_input(const Variable& x) const;
  // moving = moving·momentum + batch·(1 − momentum)
  void update_moving_statistics(const Tensor& batch_mean, const Tensor& batch_var);

  BatchNormalizationOptions options_;
  Variable gamma_, beta_, running_mean_, running_var_;
};

}  // namespace plateau
