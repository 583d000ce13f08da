#include "plateau/optim/sgd.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, const SGDOptions& o) {
  PLATEAU_CHECK(o.lr >= 0.0, "SGD: lr must be non-negative, got ", o.lr);
  PLATEAU_CHECK(o.momentum >= 0.0 && o.momentum < 1.0, "SGD: momentum must be in [0, 1), got ", o.momentum);
  PLATEAU_CHECK(o.dampening >= 0.0 && o.dampening <= 1.0, "SGD: dampening must be in [0, 1], got ", o.dampening);
  PLATEAU_CHECK(o.weight_decay >= 0.0, "SGD: weight_decay must be non-negative, got ", o.weight_decay);
  PLATEAU_CHECK(!o.nesterov || (o.momentum > 0.0 && o.dampening == 0.0),
                "SGD: nesterov requires momentum > 0 and dampening = 0, got momentum ", o.momentum, ", dampening ",
                o.dampening);
  auto groups = single_group(params, o.lr, o.weight_decay);
  groups[0].momentum = o.momentum;
  return groups;
}

}  // namespace

SGD::SGD(const std::vector<Variable>& params, SGDOptions options)
    : Optimizer(groups_for(params, options), options.clipping, "SGD"), options_(options) {}

nlohmann::json SGD::config() const {
  nlohmann::json j{{"name", name()},          {"lr", options_.lr},
                   {"momentum", options_.momentum}, {"dampening", options_.dampening},
                   {"weight_decay", options_.weight_decay}, {"nesterov", options_.nesterov}};
  j.update(clipping_config());
  return j;
}

void SGD::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  const double lr = group.lr, wd = group.weight_decay, mu = group.momentum, damp = options_.dampening;
  const bool nesterov = options_.nesterov;
  float* p = param.data();
  const float* g = grad.data();
  if (mu == 0.0) {
    ops::for_each_element(param.numel(), [&](int64_t i) { p[i] = static_cast<float>(p[i] - lr * (g[i] + wd * p[i])); });
    return;
  }
  const bool first = !state.slots.count("momentum_buffer");
  if (first) state.slots["momentum_buffer"] = Tensor(param.shape());
  float* buf = state.slots["momentum_buffer"].data();
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double d = g[i] + wd * p[i];
    const double b = first ? d : mu * buf[i] + (1.0 - damp) * d;
    buf[i] = static_cast<float>(b);
    const double step = nesterov ? d + mu * b : b;
    p[i] = static_cast<float>(p[i] - lr * step);
  });
}

}  // namespace plateau
