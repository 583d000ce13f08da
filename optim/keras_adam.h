#pragma once
// keras.Adam (keras/src/optimizers/adam.py), ε-hat added to the raw √v:
//   t = iterations + 1;  α = lr·√(1 − β2ᵗ)/(1 − β1ᵗ)
//   m += (g − m)(1 − β1);  v += (g² − v)(1 − β2);  amsgrad: v̂ = max(v̂, v)
//   w -= α·m / (√v(or v̂) + ε)

#include "plateau/optim/keras_optimizer.h"

namespace plateau {

struct KerasAdamOptions {
  double learning_rate = 1e-3;
  double beta_1 = 0.9, beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  KerasCommonOptions common = {};
};

// Usage:
//   KerasAdam adam(net.parameters(), {.learning_rate = 1e-3, .epsilon = 1e-7});
//   adam.step();  // after backward()
class KerasAdam : public KerasOptimizer {
 public:
  KerasAdam(const std::vector<Variable>& params, KerasAdamOptions options);
  std::string name() const override { return "keras.Adam"; }
  nlohmann::json config() const override;
  bool uses_beta1() const override { return true; }
  SlotNames slot_names() const override {
    if (options_.amsgrad) return {{"m", "v", "v_hat"}, {}};
    return {{"m", "v"}, {}};
  }

 protected:
  void keras_update(const ParamGroup& group, double lr, int64_t iteration, ParamState& state, Tensor& param,
                    const Tensor& grad) override;

 private:
  KerasAdamOptions options_;
};

}  // namespace plateau
