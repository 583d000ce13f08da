#include "plateau/optim/adam.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, const AdamOptions& o, const char* name) {
  PLATEAU_CHECK(o.lr >= 0.0, name, ": lr must be non-negative, got ", o.lr);
  PLATEAU_CHECK(o.beta1 >= 0.0 && o.beta1 < 1.0, name, ": beta1 must be in [0, 1), got ", o.beta1);
  PLATEAU_CHECK(o.beta2 >= 0.0 && o.beta2 < 1.0, name, ": beta2 must be in [0, 1), got ", o.beta2);
  PLATEAU_CHECK(o.eps >= 0.0, name, ": eps must be non-negative, got ", o.eps);
  PLATEAU_CHECK(o.weight_decay >= 0.0, name, ": weight_decay must be non-negative, got ", o.weight_decay);
  auto groups = single_group(params, o.lr, o.weight_decay);
  groups[0].beta1 = o.beta1;
  groups[0].beta2 = o.beta2;
  return groups;
}

}  // namespace

Adam::Adam(const std::vector<Variable>& params, AdamOptions options) : Adam(params, options, false) {}

Adam::Adam(const std::vector<Variable>& params, AdamOptions options, bool decoupled)
    : Optimizer(groups_for(params, options, decoupled ? "AdamW" : "Adam"), options.clipping,
                decoupled ? "AdamW" : "Adam"),
      options_(options),
      decoupled_(decoupled) {}

nlohmann::json Adam::config() const {
  nlohmann::json j{{"name", name()},
                   {"lr", options_.lr},
                   {"betas", {options_.beta1, options_.beta2}},
                   {"eps", options_.eps},
                   {"weight_decay", options_.weight_decay},
                   {"amsgrad", options_.amsgrad}};
  j.update(clipping_config());
  return j;
}

void Adam::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  const double lr = group.lr, wd = group.weight_decay, b1 = group.beta1, b2 = group.beta2, eps = options_.eps;
  const bool amsgrad = options_.amsgrad, decoupled = decoupled_;
  if (!state.slots.count("exp_avg")) {
    state.slots["exp_avg"] = Tensor(param.shape());
    state.slots["exp_avg_sq"] = Tensor(param.shape());
    if (amsgrad) state.slots["max_exp_avg_sq"] = Tensor(param.shape());
  }
  const int64_t t = ++state.step;
  const double bias1 = 1.0 - std::pow(b1, static_cast<double>(t));
  const double bias2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t)));
  const double step_size = lr / bias1;
  float* p = param.data();
  const float* g = grad.data();
  float* m = state.slots["exp_avg"].data();
  float* v = state.slots["exp_avg_sq"].data();
  float* vmax = amsgrad ? state.slots["max_exp_avg_sq"].data() : nullptr;
  ops::for_each_element(param.numel(), [&](int64_t i) {
    double w = p[i];
    double d = g[i];
    if (decoupled) {
      w *= 1.0 - lr * wd;
    } else {
      d += wd * w;
    }
    const double mi = b1 * m[i] + (1.0 - b1) * d;
    const double vi = b2 * v[i] + (1.0 - b2) * d * d;
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    double second = vi;
    if (vmax) {
      second = std::max(static_cast<double>(vmax[i]), vi);
      vmax[i] = static_cast<float>(second);
    }
    p[i] = static_cast<float>(w - step_size * mi / (std::sqrt(second) / bias2_sqrt + eps));
  });
}

}  // namespace plateau
