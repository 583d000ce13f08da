#pragma once
// Adam and AdamW as PyTorch's torch.optim.Adam / AdamW (torch/optim/adam.py, adamw.py):
//   t += 1 (per parameter);  Adam: g = grad + weight_decay·p;  AdamW: p *= 1 − lr·weight_decay
//   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²;  amsgrad: v̂ = max(v̂, v)
//   p -= lr/(1 − β1ᵗ) · m / (√v(or v̂)/√(1 − β2ᵗ) + ε)

#include "plateau/optim/optimizer.h"

namespace plateau {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;  // PyTorch's betas
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  GradientClipping clipping = {};
};

// Usage:
//   Adam adam(net.parameters(), {.lr = 2e-3, .weight_decay = 1e-4, .clipping = {.clipnorm = 1.0}});
//   adam.step();  // after backward()
class Adam : public Optimizer {
 public:
  Adam(const std::vector<Variable>& params, AdamOptions options);
  std::string name() const override { return decoupled_ ? "AdamW" : "Adam"; }
  nlohmann::json config() const override;
  bool uses_beta1() const override { return true; }
  SlotNames slot_names() const override {
    if (options_.amsgrad) return {{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}, {}};
    return {{"exp_avg", "exp_avg_sq"}, {}};
  }

 protected:
  Adam(const std::vector<Variable>& params, AdamOptions options, bool decoupled);
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) override;

 private:
  AdamOptions options_;
  bool decoupled_;
};

// AdamW: Adam with decoupled weight decay (default 1e-2, as PyTorch).
// Usage:
//   AdamW adamw(net.parameters(), {.lr = 1e-3, .weight_decay = 0.01});
class AdamW : public Adam {
 public:
  AdamW(const std::vector<Variable>& params, AdamOptions options) : Adam(params, options, true) {}
  static AdamOptions defaults() {
    AdamOptions o;
    o.weight_decay = 1e-2;
    return o;
  }
};

}  // namespace plateau
