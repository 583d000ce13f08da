#pragma once
// BatchNormalization over the channel axis (axis 1 of (N,C,H,W) or (N,F)), Keras arguments and
// defaults. Training: batch statistics, then moving = moving·momentum + batch·(1 − momentum) with
// the biased batch variance (Keras keras/src/layers/normalization/batch_normalization.py).
// Inference: moving statistics. Names as PyTorch: weight (γ), bias (β), running_mean, running_var.

#include "layers/layer.h"

namespace plateau {

struct BatchNormalizationOptions {
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;  // learn β
  bool scale = true;   // learn γ
};

class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});

  std::string type() const override { return "BatchNormalization"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  Variable forward(const Variable& x) override;

  const Tensor& running_mean() const { return running_mean_.value(); }
  const Tensor& running_var() const { return running_var_.value(); }

 private:
  BatchNormalizationOptions options_;
  Variable gamma_, beta_, running_mean_, running_var_;
};

}  // namespace plateau
