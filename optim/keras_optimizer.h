#pragma once
// Base of the Keras-convention optimizers (keras.SGD, keras.RMSprop, keras.Adam), Keras 3 rules
// (keras/src/optimizers/base_optimizer.py) plus Keras 2's legacy `decay`:
//   lr_t = float32(lr) / (1 + decay·iterations)      (iterations before this step; decay=0 is Keras 3)
//   w -= w·weight_decay·lr_t                         (decoupled, lr-scaled, before the update)
//   then the optimizer's own update with lr_t; iterations += 1.
// Keras stores the learning rate as a float32 variable, so lr is rounded to float32 when read.

#include "plateau/optim/optimizer.h"

namespace plateau {

struct KerasCommonOptions {
  double weight_decay = 0.0;
  double decay = 0.0;  // Keras 2 legacy per-step inverse-time decay; ignored (with a warning) by Keras 3
  GradientClipping clipping = {};
};

// Usage (through a subclass):
//   KerasSGD sgd(net.parameters(), {.learning_rate = 0.1, .common = {.weight_decay = 1e-4, .clipping = {.clipvalue = 1.0}}});
//   const double lr_now = sgd.effective_lr(0);  // lr / (1 + decay·iterations) with a legacy decay
class KerasOptimizer : public Optimizer {
 protected:
  KerasOptimizer(const std::vector<Variable>& params, double learning_rate, const KerasCommonOptions& common,
                 const std::string& name);
  double lr_for_step(const ParamGroup& group) const override;
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) final;
  // The optimizer's own rule with this step's lr; `iteration` is the 0-based step index.
  virtual void keras_update(const ParamGroup& group, double lr, int64_t iteration, ParamState& state, Tensor& param,
                            const Tensor& grad) = 0;
  nlohmann::json common_config() const;

 private:
  KerasCommonOptions common_;
};

}  // namespace plateau
