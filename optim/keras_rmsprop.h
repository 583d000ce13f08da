#pragma once
// keras.RMSprop (keras/src/optimizers/rmsprop.py), ε inside the square root, lr inside momentum:
//   v = ρ·v + (1 − ρ)·g²;  centered: a = ρ·a + (1 − ρ)·g, den = v − a² + ε, else den = v + ε
//   inc = lr·g/√den;  momentum > 0: mom = μ·mom + inc, w -= mom;  else w -= inc

#include "plateau/optim/keras_optimizer.h"

namespace plateau {

struct KerasRMSpropOptions {
  double learning_rate = 1e-3;
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
  KerasCommonOptions common = {};
};

// Usage:
//   KerasRMSprop rmsprop(net.parameters(), {.learning_rate = 1e-3, .rho = 0.9});
//   rmsprop.step();  // after backward()
class KerasRMSprop : public KerasOptimizer {
 public:
  KerasRMSprop(const std::vector<Variable>& params, KerasRMSpropOptions options);
  std::string name() const override { return "keras.RMSprop"; }
  nlohmann::json config() const override;
  bool uses_momentum() const override { return true; }
  SlotNames slot_names() const override {
    if (options_.centered) return {{"velocity", "average_gradient"}, {"momentum"}};
    return {{"velocity"}, {"momentum"}};
  }

 protected:
  void keras_update(const ParamGroup& group, double lr, int64_t iteration, ParamState& state, Tensor& param,
                    const Tensor& grad) override;

 private:
  KerasRMSpropOptions options_;
};

}  // namespace plateau
