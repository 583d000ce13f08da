#pragma once
// Adagrad as PyTorch's torch.optim.Adagrad (torch/optim/adagrad.py):
//   t += 1;  g = grad + weight_decay·p;  clr = lr / (1 + (t − 1)·lr_decay)
//   sum += g²  (starting from initial_accumulator_value);  p -= clr·g / (√sum + ε)

#include "plateau/optim/optimizer.h"

namespace plateau {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
  GradientClipping clipping = {};
};

// Usage:
//   Adagrad adagrad(net.parameters(), {.lr = 0.01, .initial_accumulator_value = 0.1});
//   adagrad.step();  // after backward()
class Adagrad : public Optimizer {
 public:
  Adagrad(const std::vector<Variable>& params, AdagradOptions options);
  std::string name() const override { return "Adagrad"; }
  nlohmann::json config() const override;
  SlotNames slot_names() const override { return {{"sum"}, {}}; }

 protected:
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) override;

 private:
  AdagradOptions options_;
};

}  // namespace plateau
