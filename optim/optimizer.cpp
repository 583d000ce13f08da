#include "plateau/optim/optimizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "plateau/core/error.h"
#include "plateau/core/json_field.h"
#include "plateau/core/parse_number.h"

namespace plateau {

Optimizer::Optimizer(std::vector<ParamGroup> groups, GradientClipping clipping, const std::string& name)
    : groups_(std::move(groups)), clipping_(clipping) {
  PLATEAU_CHECK(!groups_.empty(), name, ": no parameter groups");
  const int clips = clipping_.clipnorm.has_value() + clipping_.global_clipnorm.has_value() +
                    clipping_.clipvalue.has_value();
  PLATEAU_CHECK(clips <= 1, name, ": only one of clipnorm, global_clipnorm and clipvalue may be set, got ", clips);
  for (const auto& c : {clipping_.clipnorm, clipping_.global_clipnorm, clipping_.clipvalue})
    PLATEAU_CHECK(!c || *c > 0.0, name, ": gradient clipping threshold must be positive, got ", c.value_or(0));
  for (size_t g = 0; g < groups_.size(); ++g) {
    PLATEAU_CHECK(groups_[g].lr >= 0.0, name, ": learning rate must be non-negative, got ", groups_[g].lr);
    PLATEAU_CHECK(groups_[g].weight_decay >= 0.0, name, ": weight_decay must be non-negative, got ",
                  groups_[g].weight_decay);
    if (groups_[g].initial_lr == 0.0) groups_[g].initial_lr = groups_[g].lr;
    state_.emplace_back(groups_[g].params.size());
  }
}

std::vector<ParamGroup> single_group(const std::vector<Variable>& params, double lr, double weight_decay) {
  ParamGroup g;
  g.params = params;
  g.lr = lr;
  g.initial_lr = lr;
  g.weight_decay = weight_decay;
  return {g};
}

void Optimizer::zero_grad() {
  for (auto& g : groups_)
    for (auto& p : g.params) p.zero_grad();
}

void Optimizer::clip(std::vector<Tensor>& grads) const {
  if (clipping_.clipvalue) {
    const float c = static_cast<float>(*clipping_.clipvalue);
    for (Tensor& g : grads)
      for (int64_t i = 0; i < g.numel(); ++i) g[i] = std::min(c, std::max(-c, g[i]));
  }
  auto norm = [](const Tensor& g) {
    double s = 0.0;
    for (int64_t i = 0; i < g.numel(); ++i) s += static_cast<double>(g[i]) * g[i];
    return std::sqrt(s);
  };
  auto scale = [](Tensor& g, double factor) {
    for (int64_t i = 0; i < g.numel(); ++i) g[i] = static_cast<float>(g[i] * factor);
  };
  if (clipping_.clipnorm) {  // Keras clip_by_norm: g · c / max(‖g‖, c)
    for (Tensor& g : grads) {
      const double n = norm(g);
      if (n > *clipping_.clipnorm) scale(g, *clipping_.clipnorm / n);
    }
  }
  if (clipping_.global_clipnorm) {  // Keras clip_by_global_norm: all gradients scaled together
    double total = 0.0;
    for (const Tensor& g : grads) total += norm(g) * norm(g);
    total = std::sqrt(total);
    if (total > *clipping_.global_clipnorm)
      for (Tensor& g : grads) scale(g, *clipping_.global_clipnorm / total);
  }
}

void Optimizer::step() {
  // The parameters that have a gradient; with clipping, their gradients are copied and clipped together
  // (copying them every step otherwise cost the seed CNN ~0.1 ms on one thread while the others waited).
  std::vector<std::pair<size_t, size_t>> which;
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < groups_[g].params.size(); ++i)
      if (groups_[g].params[i].has_grad()) which.emplace_back(g, i);
  const bool clips = clipping_.clipnorm || clipping_.global_clipnorm || clipping_.clipvalue;
  std::vector<Tensor> clipped;
  if (clips) {
    for (const auto& [g, i] : which) clipped.push_back(groups_[g].params[i].grad());
    clip(clipped);
  }
  for (size_t k = 0; k < which.size(); ++k) {
    const auto [g, i] = which[k];
    Variable& p = groups_[g].params[i];
    update(groups_[g], state_[g][i], p.mutable_value(), clips ? clipped[k] : p.grad());
  }
  ++step_count_;
}

nlohmann::json Optimizer::clipping_config() const {
  nlohmann::json j = nlohmann::json::object();
  if (clipping_.clipnorm) j["clipnorm"] = *clipping_.clipnorm;
  if (clipping_.global_clipnorm) j["global_clipnorm"] = *clipping_.global_clipnorm;
  if (clipping_.clipvalue) j["clipvalue"] = *clipping_.clipvalue;
  return j;
}

OptimizerState Optimizer::state_dict() const {
  OptimizerState s;
  s.scalars["name"] = name();
  s.scalars["step_count"] = step_count_;
  s.scalars["groups"] = nlohmann::json::array();
  for (size_t g = 0; g < groups_.size(); ++g) {
    const ParamGroup& group = groups_[g];
    nlohmann::json steps = nlohmann::json::array();
    for (size_t i = 0; i < state_[g].size(); ++i) {
      steps.push_back(state_[g][i].step);
      for (const auto& [slot, t] : state_[g][i].slots)
        s.tensors.emplace_back(cat(g, ".", i, ".", slot), t);
    }
    s.scalars["groups"].push_back({{"lr", group.lr},
                                   {"initial_lr", group.initial_lr},
                                   {"weight_decay", group.weight_decay},
                                   {"momentum", group.momentum},
                                   {"beta1", group.beta1},
                                   {"beta2", group.beta2},
                                   {"params", group.params.size()},
                                   {"steps", steps}});
  }
  return s;
}

void Optimizer::load_state_dict(const OptimizerState& s) {
  // Check everything first; change nothing until all of it fits.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const JsonField j(s.scalars, "optimizer state");
  const std::string stored = j.at("name").text();
  PLATEAU_CHECK(stored == name(), "optimizer state is for ", json_for_message(stored), ", this optimizer is ",
                name());
  const std::vector<JsonField> groups = j.at("groups").elements();
  PLATEAU_CHECK(groups.size() == groups_.size(), "optimizer state has ", groups.size(),
                " parameter groups, this optimizer has ", groups_.size());
  const int64_t step_count = j.at("step_count").integer(0, kMax);
  std::vector<std::vector<ParamState>> restored(groups_.size());
  std::vector<ParamGroup> hyper = groups_;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const JsonField& gj = groups[g];
    const int64_t params = gj.at("params").integer(0, kMax);
    PLATEAU_CHECK(static_cast<size_t>(params) == groups_[g].params.size(), "optimizer state group ", g, " has ", params,
                  " parameters, this optimizer's has ", groups_[g].params.size());
    const std::vector<int64_t> steps = gj.at("steps").integers(0, step_count);
    PLATEAU_CHECK(steps.size() == groups_[g].params.size(), "optimizer state group ", g, " has ", steps.size(),
                  " step counts for ", groups_[g].params.size(), " parameters");
    restored[g].resize(groups_[g].params.size());
    for (size_t i = 0; i < restored[g].size(); ++i) restored[g][i].step = steps[i];
    ParamGroup& h = hyper[g];
    h.lr = gj.at("lr").number();
    h.initial_lr = gj.at("initial_lr").number();
    h.weight_decay = gj.at("weight_decay").number();
    h.momentum = gj.at("momentum").number();
    h.beta1 = gj.at("beta1").number();
    h.beta2 = gj.at("beta2").number();
    PLATEAU_CHECK(h.lr >= 0 && h.initial_lr >= 0 && h.weight_decay >= 0 && std::isfinite(h.lr), "optimizer state group ",
                  g, " has lr ", h.lr, ", initial_lr ", h.initial_lr, ", weight_decay ", h.weight_decay,
                  "; each must be finite and non-negative");
  }
  for (const auto& [key, t] : s.tensors) {
    const size_t dot1 = key.find('.'), dot2 = dot1 == std::string::npos ? dot1 : key.find('.', dot1 + 1);
    const auto g = dot2 == std::string::npos ? std::nullopt : try_parse_int64(std::string_view(key).substr(0, dot1));
    const auto i = g ? try_parse_int64(std::string_view(key).substr(dot1 + 1, dot2 - dot1 - 1)) : std::nullopt;
    PLATEAU_CHECK(g && i && *g >= 0 && *i >= 0 && static_cast<size_t>(*g) < groups_.size() &&
                      static_cast<size_t>(*i) < groups_[static_cast<size_t>(*g)].params.size(),
                  "optimizer state has a slot '", printable(key), "' for no parameter of this optimizer");
    const Variable& param = groups_[static_cast<size_t>(*g)].params[static_cast<size_t>(*i)];
    PLATEAU_CHECK(t.shape() == param.shape(), "optimizer state slot '", printable(key), "' has shape ", t.shape(),
                  ", parameter ", *g, ".", *i, " has ", param.shape());
    restored[static_cast<size_t>(*g)][static_cast<size_t>(*i)].slots[key.substr(dot2 + 1)] = t;
  }
  const SlotNames names = slot_names();
  for (size_t g = 0; g < restored.size(); ++g)
    for (size_t i = 0; i < restored[g].size(); ++i) {
      const auto& slots = restored[g][i].slots;
      for (const auto& [slot, t] : slots)
        PLATEAU_CHECK(std::count(names.required.begin(), names.required.end(), slot) +
                              std::count(names.optional.begin(), names.optional.end(), slot) >
                          0,
                      "optimizer state has a slot '", printable(slot), "' for parameter ", g, ".", i, "; ", name(),
                      " keeps ", join(names.required), names.optional.empty() ? "" : " and ", join(names.optional));
      const bool started = restored[g][i].step > 0 || std::any_of(names.required.begin(), names.required.end(),
                                                                  [&](const std::string& n) { return slots.count(n) > 0; });
      if (started)
        for (const auto& n : names.required)
          PLATEAU_CHECK(slots.count(n), "optimizer state lacks slot '", n, "' of parameter ", g, ".", i, " (", name(),
                        " keeps ", join(names.required), " together)");
    }
  groups_ = std::move(hyper);
  state_ = std::move(restored);
  step_count_ = step_count;
}

}  // namespace plateau
