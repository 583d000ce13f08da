#include "plateau/optim/keras_rmsprop.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {

KerasRMSprop::KerasRMSprop(const std::vector<Variable>& params, KerasRMSpropOptions options)
    : KerasOptimizer(params, options.learning_rate, options.common, "keras.RMSprop"), options_(options) {
  PLATEAU_CHECK(options_.rho >= 0.0 && options_.rho < 1.0, "keras.RMSprop: rho must be in [0, 1), got ",
                options_.rho);
  PLATEAU_CHECK(options_.momentum >= 0.0 && options_.momentum < 1.0,
                "keras.RMSprop: momentum must be in [0, 1), got ", options_.momentum);
  PLATEAU_CHECK(options_.epsilon >= 0.0, "keras.RMSprop: epsilon must be non-negative, got ", options_.epsilon);
  param_groups()[0].momentum = options_.momentum;
}

nlohmann::json KerasRMSprop::config() const {
  nlohmann::json j{{"name", name()},         {"learning_rate", options_.learning_rate},
                   {"rho", options_.rho},    {"momentum", options_.momentum},
                   {"epsilon", options_.epsilon}, {"centered", options_.centered}};
  j.update(common_config());
  return j;
}

void KerasRMSprop::keras_update(const ParamGroup& group, double lr, int64_t, ParamState& state, Tensor& param,
                                const Tensor& grad) {
  const double rho = options_.rho, eps = options_.epsilon, mu = group.momentum;
  const bool centered = options_.centered;
  if (!state.slots.count("velocity")) {
    state.slots["velocity"] = Tensor(param.shape());
    if (centered) state.slots["average_gradient"] = Tensor(param.shape());
  }
  if (mu > 0.0 && !state.slots.count("momentum")) state.slots["momentum"] = Tensor(param.shape());
  float* w = param.data();
  const float* g = grad.data();
  float* v = state.slots["velocity"].data();
  float* a = centered ? state.slots["average_gradient"].data() : nullptr;
  float* mom = mu > 0.0 ? state.slots["momentum"].data() : nullptr;
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double vi = rho * v[i] + (1.0 - rho) * g[i] * g[i];
    v[i] = static_cast<float>(vi);
    double den = vi + eps;
    if (centered) {
      const double ai = rho * a[i] + (1.0 - rho) * g[i];
      a[i] = static_cast<float>(ai);
      den = vi - ai * ai + eps;
    }
    const double inc = lr * g[i] / std::sqrt(den);
    if (mom) {
      const double m = mu * mom[i] + inc;
      mom[i] = static_cast<float>(m);
      w[i] = static_cast<float>(w[i] - m);
    } else {
      w[i] = static_cast<float>(w[i] - inc);
    }
  });
}

}  // namespace plateau
