#pragma once
// Module: a layer or a container of layers. Parameters are leaf Variables that require gradients;
// buffers (BatchNormalization's running statistics) are tensors without gradients. Both are
// registered by name and appear in state_dict() with their children's names as prefixes ("3.weight").

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plateau/core/autograd/variable.h"
#include "plateau/core/random.h"

namespace plateau {

// PyTorch: torch.nn.Module (parameters, buffers, state_dict, train/eval).
// Usage:
//   const StateDict weights = net.state_dict();  // "0.weight", "0.bias", …, "1.running_mean", …
//   net.eval();                                  // inference: Dropout off, BatchNormalization's moving statistics
//   net.load_state_dict(weights);                // names and shapes checked before anything changes
class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;  // parameters are shared handles: a copy would alias them
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;  // children are heap-allocated, so their pointers survive a move
  Module& operator=(Module&&) = default;

  virtual Variable forward(const Variable& x) = 0;
  Variable operator()(const Variable& x) { return forward(x); }

  std::vector<Variable> parameters() const;  // trainable, in registration order
  std::vector<std::pair<std::string, Variable>> named_parameters() const;
  std::vector<std::pair<std::string, Variable>> named_buffers() const;
  int64_t parameter_count() const;  // elements of all parameters
  int64_t buffer_count() const;     // elements of all buffers

  StateDict state_dict() const;  // parameters and buffers, copied
  // Replaces every parameter and buffer; the dict must hold exactly the same names and shapes.
  // Checks everything before changing anything. `source` names the origin in errors.
  void load_state_dict(const StateDict& dict, const std::string& source = "state dict");
  // The checks of load_state_dict alone: every name present, none unexpected, every shape equal.
  void check_state_dict(const StateDict& dict, const std::string& source) const;

  // The random stream this module draws from while training (Dropout's masks), or null. Part of the
  // training state that a checkpoint saves and restores.
  virtual Rng* random_stream() { return nullptr; }

  void train(bool on = true);
  void eval() { train(false); }
  bool training() const { return training_; }

 protected:
  Variable& register_parameter(const std::string& name, Tensor value);
  Variable& register_buffer(const std::string& name, Tensor value);
  void register_child(const std::string& name, Module* child);  // not owned

 private:
  void collect(const std::string& prefix, bool buffers, std::vector<std::pair<std::string, Variable>>& out) const;

  std::vector<std::pair<std::string, Variable>> parameters_;
  std::vector<std::pair<std::string, Variable>> buffers_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

}  // namespace plateau
