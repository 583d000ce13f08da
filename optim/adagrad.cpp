#include "plateau/optim/adagrad.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, const AdagradOptions& o) {
  PLATEAU_CHECK(o.lr >= 0.0, "Adagrad: lr must be non-negative, got ", o.lr);
  PLATEAU_CHECK(o.lr_decay >= 0.0, "Adagrad: lr_decay must be non-negative, got ", o.lr_decay);
  PLATEAU_CHECK(o.initial_accumulator_value >= 0.0, "Adagrad: initial_accumulator_value must be non-negative, got ",
                o.initial_accumulator_value);
  PLATEAU_CHECK(o.eps >= 0.0, "Adagrad: eps must be non-negative, got ", o.eps);
  return single_group(params, o.lr, o.weight_decay);
}

}  // namespace

Adagrad::Adagrad(const std::vector<Variable>& params, AdagradOptions options)
    : Optimizer(groups_for(params, options), options.clipping, "Adagrad"), options_(options) {}

nlohmann::json Adagrad::config() const {
  nlohmann::json j{{"name", name()},
                   {"lr", options_.lr},
                   {"lr_decay", options_.lr_decay},
                   {"weight_decay", options_.weight_decay},
                   {"initial_accumulator_value", options_.initial_accumulator_value},
                   {"eps", options_.eps}};
  j.update(clipping_config());
  return j;
}

void Adagrad::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  if (!state.slots.count("sum"))
    state.slots["sum"] = Tensor(param.shape(), static_cast<float>(options_.initial_accumulator_value));
  const int64_t t = ++state.step;
  const double clr = group.lr / (1.0 + static_cast<double>(t - 1) * options_.lr_decay);
  const double wd = group.weight_decay, eps = options_.eps;
  float* p = param.data();
  const float* g = grad.data();
  float* sum = state.slots["sum"].data();
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double d = g[i] + wd * p[i];
    const double s = sum[i] + d * d;
    sum[i] = static_cast<float>(s);
    p[i] = static_cast<float>(p[i] - clr * d / (std::sqrt(s) + eps));
  });
}

}  // namespace plateau
