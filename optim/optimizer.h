#pragma once
// Optimizer: parameter groups, per-parameter state keyed by (group, index), one step counter that
// advances once per step(), and a state_dict holding all of it. Subclasses implement update() for
// one parameter; the base class applies gradient clipping first (Keras' clipnorm, global_clipnorm,
// clipvalue) and skips parameters that received no gradient, as PyTorch skips p.grad is None.
// Updates are computed in double per element and stored as float32.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/core/autograd/variable.h"

namespace plateau {

// The hyperparameters a schedule may change, per group. Others (eps, nesterov, …) are the
// optimizer's options. beta1/beta2 are Adam's betas; momentum is SGD's or RMSprop's.
struct ParamGroup {
  std::vector<Variable> params;
  double lr = 0.0;
  double initial_lr = 0.0;  // the lr a schedule scales (PyTorch's initial_lr)
  double weight_decay = 0.0;
  double momentum = 0.0;
  double beta1 = 0.9, beta2 = 0.999;
};

struct GradientClipping {
  std::optional<double> clipnorm = std::nullopt;       // each gradient tensor to this L2 norm at most
  std::optional<double> global_clipnorm = std::nullopt;  // all gradients together to this L2 norm at most
  std::optional<double> clipvalue = std::nullopt;        // each element to [-clipvalue, clipvalue]
};

// Slots of one parameter ("exp_avg", "momentum_buffer", …) and its own step count.
struct ParamState {
  std::map<std::string, Tensor> slots;
  int64_t step = 0;
};

// Everything an optimizer must restore: scalars as JSON, slot tensors named "<group>.<index>.<slot>".
struct OptimizerState {
  nlohmann::json scalars;
  StateDict tensors;
};

// PyTorch: torch.optim.Optimizer; Keras: keras.optimizers.Optimizer.
// Usage:
//   optimizer.zero_grad();
//   Variable loss = Loss("sparse_categorical_crossentropy").of_labels(net(Variable(train.images({0}))), train.labels_at({0}));
//   loss.backward();
//   optimizer.step();
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  virtual std::string name() const = 0;  // the spec name: "SGD", "keras.Adam", …
  virtual nlohmann::json config() const = 0;  // the options, for run.json

  void zero_grad();
  void step();
  int64_t step_count() const { return step_count_; }  // completed step() calls (Keras' iterations)

  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  // The lr the next step() will use for group g; Keras-convention optimizers with a legacy
  // `decay` report lr / (1 + decay·iterations).
  double effective_lr(size_t group) const { return lr_for_step(groups_[group]); }
  // Whether a cycling schedule may set momentum (SGD, RMSprop) or beta1 (Adam-like).
  virtual bool uses_momentum() const { return false; }
  virtual bool uses_beta1() const { return false; }
  // The slots update() keeps per parameter: `required` are created together at a parameter's first
  // update, `optional` only while an option needs them (momentum > 0). A checkpoint's slots are
  // checked against these, so a missing or foreign slot is an error, never a crash.
  struct SlotNames {
    std::vector<std::string> required, optional;
  };
  virtual SlotNames slot_names() const = 0;

  OptimizerState state_dict() const;
  // Restores groups' hyperparameters, slots and steps; a mismatch in groups, parameters, slot
  // names or shapes is an error naming it, and nothing changes.
  void load_state_dict(const OptimizerState& state);

 protected:
  Optimizer(std::vector<ParamGroup> groups, GradientClipping clipping, const std::string& name);
  virtual double lr_for_step(const ParamGroup& group) const { return group.lr; }
  // Updates `param` in place from `grad` (already clipped); `state` is this parameter's.
  virtual void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) = 0;
  nlohmann::json clipping_config() const;

 private:
  void clip(std::vector<Tensor>& grads) const;

  std::vector<ParamGroup> groups_;
  std::vector<std::vector<ParamState>> state_;  // [group][index]
  GradientClipping clipping_;
  int64_t step_count_ = 0;
};

// One group holding all of `params` with the given lr (and initial_lr = lr).
std::vector<ParamGroup> single_group(const std::vector<Variable>& params, double lr, double weight_decay = 0.0);

}  // namespace plateau
