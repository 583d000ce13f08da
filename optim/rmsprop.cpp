#include "plateau/optim/rmsprop.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/core/ops/parallel.h"

namespace plateau {
namespace {

std::vector<ParamGroup> groups_for(const std::vector<Variable>& params, const RMSpropOptions& o) {
  PLATEAU_CHECK(o.lr >= 0.0, "RMSprop: lr must be non-negative, got ", o.lr);
  PLATEAU_CHECK(o.alpha >= 0.0 && o.alpha < 1.0, "RMSprop: alpha must be in [0, 1), got ", o.alpha);
  PLATEAU_CHECK(o.eps >= 0.0, "RMSprop: eps must be non-negative, got ", o.eps);
  PLATEAU_CHECK(o.momentum >= 0.0 && o.momentum < 1.0, "RMSprop: momentum must be in [0, 1), got ", o.momentum);
  PLATEAU_CHECK(o.weight_decay >= 0.0, "RMSprop: weight_decay must be non-negative, got ", o.weight_decay);
  auto groups = single_group(params, o.lr, o.weight_decay);
  groups[0].momentum = o.momentum;
  return groups;
}

}  // namespace

RMSprop::RMSprop(const std::vector<Variable>& params, RMSpropOptions options)
    : Optimizer(groups_for(params, options), options.clipping, "RMSprop"), options_(options) {}

nlohmann::json RMSprop::config() const {
  nlohmann::json j{{"name", name()},
                   {"lr", options_.lr},
                   {"alpha", options_.alpha},
                   {"eps", options_.eps},
                   {"weight_decay", options_.weight_decay},
                   {"momentum", options_.momentum},
                   {"centered", options_.centered}};
  j.update(clipping_config());
  return j;
}

void RMSprop::update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) {
  const double lr = group.lr, wd = group.weight_decay, mu = group.momentum, alpha = options_.alpha;
  const double eps = options_.eps;
  const bool centered = options_.centered;
  if (!state.slots.count("square_avg")) {
    state.slots["square_avg"] = Tensor(param.shape());
    if (centered) state.slots["grad_avg"] = Tensor(param.shape());
  }
  if (mu > 0.0 && !state.slots.count("momentum_buffer")) state.slots["momentum_buffer"] = Tensor(param.shape());
  ++state.step;
  float* p = param.data();
  const float* g = grad.data();
  float* v = state.slots["square_avg"].data();
  float* a = centered ? state.slots["grad_avg"].data() : nullptr;
  float* buf = mu > 0.0 ? state.slots["momentum_buffer"].data() : nullptr;
  ops::for_each_element(param.numel(), [&](int64_t i) {
    const double d = g[i] + wd * p[i];
    const double sq = alpha * v[i] + (1.0 - alpha) * d * d;
    v[i] = static_cast<float>(sq);
    double avg;
    if (centered) {
      const double ga = alpha * a[i] + (1.0 - alpha) * d;
      a[i] = static_cast<float>(ga);
      avg = std::sqrt(sq - ga * ga) + eps;
    } else {
      avg = std::sqrt(sq) + eps;
    }
    if (buf) {
      const double b = mu * buf[i] + d / avg;
      buf[i] = static_cast<float>(b);
      p[i] = static_cast<float>(p[i] - lr * b);
    } else {
      p[i] = static_cast<float>(p[i] - lr * d / avg);
    }
  });
}

}  // namespace plateau
