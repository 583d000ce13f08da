#include "optim/optimizer.h"

#include <cmath>

#include "core/error.h"

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
  // Gather the gradients of the parameters that have one, clip them together, then update.
  std::vector<std::pair<size_t, size_t>> which;
  std::vector<Tensor> grads;
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < groups_[g].params.size(); ++i)
      if (groups_[g].params[i].has_grad()) {
        which.emplace_back(g, i);
        grads.push_back(groups_[g].params[i].grad());
      }
  clip(grads);
  for (size_t k = 0; k < which.size(); ++k) {
    const auto [g, i] = which[k];
    Variable& p = groups_[g].params[i];
    update(groups_[g], state_[g][i], p.mutable_value(), grads[k]);
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
  try {
    load_checked(s);
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat("optimizer state is malformed: ", e.what()));
  }
}

void Optimizer::load_checked(const OptimizerState& s) {
  const nlohmann::json& j = s.scalars;
  PLATEAU_CHECK(j.contains("name") && j["name"] == name(), "optimizer state is for ",
                j.contains("name") ? j["name"].dump() : "(no name)", ", this optimizer is ", name());
  PLATEAU_CHECK(j.contains("groups") && j["groups"].size() == groups_.size(), "optimizer state has ",
                j.contains("groups") ? j["groups"].size() : 0, " parameter groups, this optimizer has ",
                groups_.size());
  // Check everything first.
  std::vector<std::vector<ParamState>> restored(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    const auto& gj = j["groups"][g];
    PLATEAU_CHECK(gj["params"].get<size_t>() == groups_[g].params.size(), "optimizer state group ", g, " has ",
                  gj["params"].get<size_t>(), " parameters, this optimizer's has ", groups_[g].params.size());
    restored[g].resize(groups_[g].params.size());
    for (size_t i = 0; i < restored[g].size(); ++i) restored[g][i].step = gj["steps"][i].get<int64_t>();
  }
  for (const auto& [key, t] : s.tensors) {
    size_t g = 0, i = 0;
    char slot[64] = {0};
    PLATEAU_CHECK(std::sscanf(key.c_str(), "%zu.%zu.%63s", &g, &i, slot) == 3 && g < groups_.size() &&
                      i < groups_[g].params.size(),
                  "optimizer state has a slot '", key, "' for no parameter of this optimizer");
    PLATEAU_CHECK(t.shape() == groups_[g].params[i].shape(), "optimizer state slot '", key, "' has shape ", t.shape(),
                  ", parameter ", g, ".", i, " has ", groups_[g].params[i].shape());
    restored[g][i].slots[slot] = t;
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    const auto& gj = j["groups"][g];
    ParamGroup& group = groups_[g];
    group.lr = gj["lr"];
    group.initial_lr = gj["initial_lr"];
    group.weight_decay = gj["weight_decay"];
    group.momentum = gj["momentum"];
    group.beta1 = gj["beta1"];
    group.beta2 = gj["beta2"];
  }
  state_ = std::move(restored);
  step_count_ = j["step_count"].get<int64_t>();
}

}  // namespace plateau
