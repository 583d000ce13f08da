#pragma once
// Adadelta as PyTorch's torch.optim.Adadelta (torch/optim/adadelta.py):
//   g = grad + weight_decay·p;  v = ρ·v + (1 − ρ)·g²
//   δ = √(u + ε) / √(v + ε) · g;  u = ρ·u + (1 − ρ)·δ²;  p -= lr·δ

#include "plateau/optim/optimizer.h"

namespace plateau {

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0.0;
  GradientClipping clipping = {};
};

// Usage:
//   Adadelta adadelta(net.parameters(), {.lr = 1.0, .rho = 0.95});
//   adadelta.step();  // after backward()
class Adadelta : public Optimizer {
 public:
  Adadelta(const std::vector<Variable>& params, AdadeltaOptions options);
  std::string name() const override { return "Adadelta"; }
  nlohmann::json config() const override;
  SlotNames slot_names() const override { return {{"square_avg", "acc_delta"}, {}}; }

 protected:
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) override;

 private:
  AdadeltaOptions options_;
};

}  // namespace plateau
