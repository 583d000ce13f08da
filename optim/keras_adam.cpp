#include "plateau/optim/keras_adam.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {

KerasAdam::KerasAdam(const std::vector<Variable>& params, KerasAdamOptions options)
    : KerasOptimizer(params, options.learning_rate, options.common, "keras.Adam"), options_(options) {
  PLATEAU_CHECK(options_.beta_1 >= 0.0 && options_.beta_1 < 1.0, "keras.Adam: beta_1 must be in [0, 1), got ",
                options_.beta_1);
  PLATEAU_CHECK(options_.beta_2 >= 0.0 && options_.beta_2 < 1.0, "keras.Adam: beta_2 must be in [0, 1), got ",
                options_.beta_2);
  PLATEAU_CHECK(options_.epsilon >= 0.0, "keras.Adam: epsilon must be non-negative, got ", options_.epsilon);
  param_groups()[0].beta1 = options_.beta_1;
  param_groups()[0].beta2 = options_.beta_2;
}

nlohmann::json KerasAdam::config() const {
  nlohmann::json j{{"name", name()},          {"learning_rate", options_.learning_rate},
                   {"beta_1", options_.beta_1}, {"beta_2", options_.beta_2},
                   {"epsilon", options_.epsilon}, {"amsgrad", options_.amsgrad}};
  j.update(common_config());
  return j;
}

void KerasAdam::keras_update(const ParamGroup& group, double lr, int64_t iteration, ParamState& state,
                             Tensor& param, const Tensor& grad) {
  const double b1 = group.beta1, b2 = group.beta2, eps = options_.epsilon;
  const bool amsgrad = options_.amsgrad;
  if (!state.slots.count("m")) {
    state.slots["m"] = Tensor(param.shape());
    state.slots["v"] = Tensor(param.shape());
    if (amsgrad) state.slots["v_hat"] = Tensor(param.shape());
  }
  const double t = static_cast<double>(iteration + 1);
  const double alpha = lr * std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t));
  float* w = param.data();
  const float* g = grad.data();
  float* m = state.slots["m"].data();
  float* v = state.slots["v"].data();
  float* vhat = amsgrad ? state.slots["v_hat"].data() : nullptr;
  // two loops rather than a test inside one, so that each vectorizes
  if (!vhat) {
    ops::for_each_element(param.numel(), [&](int64_t i) {
      const double mi = m[i] + (g[i] - m[i]) * (1.0 - b1);
      const double vi = v[i] + (static_cast<double>(g[i]) * g[i] - v[i]) * (1.0 - b2);
      m[i] = static_cast<float>(mi);
      v[i] = static_cast<float>(vi);
      w[i] = static_cast<float>(w[i] - alpha * mi / (std::sqrt(vi) + eps));
    });
    return;
  }
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double mi = m[i] + (g[i] - m[i]) * (1.0 - b1);
    const double vi = v[i] + (static_cast<double>(g[i]) * g[i] - v[i]) * (1.0 - b2);
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double second = std::max(static_cast<double>(vhat[i]), vi);
    vhat[i] = static_cast<float>(second);
    w[i] = static_cast<float>(w[i] - alpha * mi / (std::sqrt(second) + eps));
  });
}

}  // namespace plateau
