#pragma once
// RMSprop as PyTorch's torch.optim.RMSprop (torch/optim/rmsprop.py), names and defaults included:
//   g = grad + weight_decay·p;  v = α·v + (1 − α)·g²
//   centered: a = α·a + (1 − α)·g, avg = √(v − a²) + ε, else avg = √v + ε   (ε outside the root)
//   momentum > 0: buf = momentum·buf + g/avg, p -= lr·buf;  else p -= lr·g/avg

#include "plateau/optim/optimizer.h"

namespace plateau {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  GradientClipping clipping = {};
};

// Usage:
//   RMSprop rmsprop(net.parameters(), {.lr = 1e-3, .alpha = 0.9, .centered = true});
//   rmsprop.step();  // after backward()
class RMSprop : public Optimizer {
 public:
  RMSprop(const std::vector<Variable>& params, RMSpropOptions options);
  std::string name() const override { return "RMSprop"; }
  nlohmann::json config() const override;
  bool uses_momentum() const override { return true; }
  SlotNames slot_names() const override {
    if (options_.centered) return {{"square_avg", "grad_avg"}, {"momentum_buffer"}};
    return {{"square_avg"}, {"momentum_buffer"}};
  }

 protected:
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) override;

 private:
  RMSpropOptions options_;
};

}  // namespace plateau
