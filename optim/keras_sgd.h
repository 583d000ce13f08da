#pragma once
// keras.SGD (keras/src/optimizers/sgd.py): the velocity carries the learning rate.
//   momentum > 0: m = μ·m − lr·g;  w += m, or with nesterov w += μ·m − lr·g (m the new velocity)
//   momentum = 0: w -= lr·g

#include "plateau/optim/keras_optimizer.h"

namespace plateau {

struct KerasSGDOptions {
  double learning_rate = 0.01;
  double momentum = 0.0;  // in [0, 1]
  bool nesterov = false;
  KerasCommonOptions common = {};
};

// Usage:
//   KerasSGD sgd(net.parameters(), {.learning_rate = 0.01, .momentum = 0.9, .nesterov = true});
//   sgd.step();  // after backward()
class KerasSGD : public KerasOptimizer {
 public:
  KerasSGD(const std::vector<Variable>& params, KerasSGDOptions options);
  std::string name() const override { return "keras.SGD"; }
  nlohmann::json config() const override;
  bool uses_momentum() const override { return true; }
  SlotNames slot_names() const override { return {{}, {"momentum"}}; }

 protected:
  void keras_update(const ParamGroup& group, double lr, int64_t iteration, ParamState& state, Tensor& param,
                    const Tensor& grad) override;

 private:
  KerasSGDOptions options_;
};

}  // namespace plateau
