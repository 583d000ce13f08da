#include "plateau/optim/adadelta.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, const AdadeltaOptions& o) {
  PLATEAU_CHECK(o.lr >= 0.0, "Adadelta: lr must be non-negative, got ", o.lr);
  PLATEAU_CHECK(o.rho >= 0.0 && o.rho <= 1.0, "Adadelta: rho must be in [0, 1], got ", o.rho);
  PLATEAU_CHECK(o.eps >= 0.0, "Adadelta: eps must be non-negative, got ", o.eps);
  return single_group(params, o.lr, o.weight_decay);
}

}  // namespace

Adadelta::Adadelta(const std::vector<Variable>& params, AdadeltaOptions options)
    : Optimizer(groups_for(params, options), options.clipping, "Adadelta"), options_(options) {}

nlohmann::json Adadelta::config() const {
  nlohmann::json j{{"name", name()},
                   {"lr", options_.lr},
                   {"rho", options_.rho},
                   {"eps", options_.eps},
                   {"weight_decay", options_.weight_decay}};
  j.update(clipping_config());
  return j;
}

void Adadelta::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  if (!state.slots.count("square_avg")) {
    state.slots["square_avg"] = Tensor(param.shape());
    state.slots["acc_delta"] = Tensor(param.shape());
  }
  ++state.step;
  const double lr = group.lr, wd = group.weight_decay, rho = options_.rho, eps = options_.eps;
  float* p = param.data();
  const float* g = grad.data();
  float* v = state.slots["square_avg"].data();
  float* u = state.slots["acc_delta"].data();
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double d = g[i] + wd * p[i];
    const double vi = rho * v[i] + (1.0 - rho) * d * d;
    v[i] = static_cast<float>(vi);
    const double delta = std::sqrt(u[i] + eps) / std::sqrt(vi + eps) * d;
    u[i] = static_cast<float>(rho * u[i] + (1.0 - rho) * delta * delta);
    p[i] = static_cast<float>(p[i] - lr * delta);
  });
}

}  // namespace plateau
