#include "plateau/optim/keras_sgd.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {

KerasSGD::KerasSGD(const std::vector<Variable>& params, KerasSGDOptions options)
    : KerasOptimizer(params, options.learning_rate, options.common, "keras.SGD"), options_(options) {
  PLATEAU_CHECK(options_.momentum >= 0.0 && options_.momentum <= 1.0,
                "keras.SGD: momentum must be a float in [0, 1], got ", options_.momentum);
  param_groups()[0].momentum = options_.momentum;
}

nlohmann::json KerasSGD::config() const {
  nlohmann::json j{{"name", name()},
                   {"learning_rate", options_.learning_rate},
                   {"momentum", options_.momentum},
                   {"nesterov", options_.nesterov}};
  j.update(common_config());
  return j;
}

void KerasSGD::keras_update(const ParamGroup& group, double lr, int64_t, ParamState& state, Tensor& param,
                            const Tensor& grad) {
  const double mu = group.momentum;
  float* w = param.data();
  const float* g = grad.data();
  if (mu == 0.0 && !state.slots.count("momentum")) {
    ops::for_each_element(param.numel(), [&](int64_t i) { w[i] = static_cast<float>(w[i] - lr * g[i]); });
    return;
  }
  if (!state.slots.count("momentum")) state.slots["momentum"] = Tensor(param.shape());
  float* m = state.slots["momentum"].data();
  const bool nesterov = options_.nesterov;
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double v = mu * m[i] - lr * g[i];
    m[i] = static_cast<float>(v);
    w[i] = static_cast<float>(w[i] + (nesterov ? mu * v - lr * g[i] : v));
  });
}

}  // namespace plateau
