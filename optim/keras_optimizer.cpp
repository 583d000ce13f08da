#include "plateau/optim/keras_optimizer.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, double lr, const KerasCommonOptions& c,
                                   const std::string& name) {
  PLATEAU_CHECK(lr >= 0.0, name, ": learning_rate must be non-negative, got ", lr);
  PLATEAU_CHECK(c.weight_decay >= 0.0, name, ": weight_decay must be non-negative, got ", c.weight_decay);
  PLATEAU_CHECK(c.decay >= 0.0, name, ": decay must be non-negative, got ", c.decay);
  // Keras keeps learning_rate in a float32 variable: the group holds that value, so the lr fit() logs
  // is the one the update uses (0.0010000000474974513 for 1e-3), as Keras' callbacks log it.
  return single_group(params, static_cast<float>(lr), c.weight_decay);
}

}  // namespace

KerasOptimizer::KerasOptimizer(const std::vector<Variable>& params, double learning_rate,
                               const KerasCommonOptions& common, const std::string& name)
    : Optimizer(groups_for(params, learning_rate, common, name), common.clipping, name), common_(common) {}

double KerasOptimizer::lr_for_step(const ParamGroup& group) const {
  const double lr = static_cast<float>(group.lr);
  return lr / (1.0 + common_.decay * static_cast<double>(step_count()));
}

void KerasOptimizer::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  const double lr = lr_for_step(group);
  if (group.weight_decay > 0.0) {
    const double k = group.weight_decay * lr;
    float* p = param.data();
    ops::for_each_element(param.numel(), [&](int64_t i) { p[i] = static_cast<float>(p[i] - p[i] * k); });
  }
  keras_update(group, lr, step_count(), state, param, grad);
}

nlohmann::json KerasOptimizer::common_config() const {
  nlohmann::json j{{"weight_decay", common_.weight_decay}};
  if (common_.decay > 0.0) j["decay"] = common_.decay;
  j.update(clipping_config());
  return j;
}

}  // namespace plateau
