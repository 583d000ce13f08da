#pragma once
// Variable: the one shared handle of autograd (as flashlight's and micrograd's Value). Copies alias
// one node holding a value, its gradient, the inputs it was computed from and a backward function
// mapping d(output) to d(inputs). backward() sorts the graph topologically and accumulates with +=,
// so a variable used twice receives both contributions.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau {

// PyTorch: a torch.Tensor with requires_grad and its autograd graph.
// Usage:
//   Variable w(Tensor(Shape{3}, 2.0f), /*requires_grad=*/true);
//   Variable loss = fn::sum(fn::mul(w, w));
//   loss.backward();  // w.grad() is 2·w: {4, 4, 4}
class Variable {
 public:
  // Given d(loss)/d(output) and the output itself, returns d(loss)/d(input) for each input, in order;
  // an empty Tensor for an input that does not require a gradient. (Ops whose backward needs their
  // output, such as ReLU, read it here instead of keeping a copy.)
  using BackwardFn = std::function<std::vector<Tensor>(const Tensor& dout, const Tensor& out)>;

  Variable() = default;  // undefined: no node
  explicit Variable(Tensor value, bool requires_grad = false);

  // The result of an op. Records inputs and backward only when gradients are enabled and some
  // input requires a gradient; otherwise returns a constant.
  static Variable from_op(Tensor value, std::vector<Variable> inputs, BackwardFn backward, std::string op);

  bool defined() const { return node_ != nullptr; }
  const Tensor& value() const;
  Tensor& mutable_value();  // for optimizers and initializers: changes the value in place
  const Shape& shape() const { return value().shape(); }
  const Tensor& grad() const;  // empty Tensor until a gradient arrives
  bool has_grad() const;
  bool requires_grad() const;
  const std::string& op() const;

  // Back-propagates from this scalar (d self = 1). Frees the graph unless retain_graph.
  void backward(bool retain_graph = false);
  // Back-propagates from a non-scalar output with the given upstream gradient.
  void backward(const Tensor& grad_output, bool retain_graph = false);

  void zero_grad();                      // drops the gradient
  void accumulate_grad(Tensor g);  // grad += g; the first gradient is moved in, not copied
  Variable detach() const;               // same value (copied), no history, no gradient

 private:
  struct Node {
    Tensor value;
    Tensor grad;
    bool requires_grad = false;
    bool freed = false;  // backward ran and released this node's graph
    std::vector<Variable> inputs;
    BackwardFn backward;
    std::string op;
    std::string scope;  // the ScopeGuard name active when the op ran (core/autograd/profiler.h)
  };
  std::shared_ptr<Node> node_;
  Node& node() const;
};

// While alive, ops record no graph on this thread (evaluation, optimizer updates).
// PyTorch: torch.no_grad().
// Usage:
//   NoGradGuard no_grad;
//   const Variable probabilities = net(Variable(train.images({0, 1, 2})));  // records no graph
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;
  static bool grad_enabled();

 private:
  bool previous_;
};

}  // namespace plateau
