#include "plateau/optim/keras_adam.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/optimizer_update.h"

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
  float* v_hat = amsgrad ? state.slots["v_hat"].data() : nullptr;
  ops::keras_adam_update({alpha, b1, b2, eps}, param.numel(), param.data(), grad.data(), state.slots["m"].data(),
                         state.slots["v"].data(), v_hat);
}

}  // namespace plateau
