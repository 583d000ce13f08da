#include "plateau/core/autograd/variable.h"

#include <chrono>
#include <unordered_set>

#include "plateau/core/autograd/profiler.h"

#include "plateau/core/error.h"

namespace plateau {
namespace {
thread_local bool g_grad_enabled = true;
}  // namespace

NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }
bool NoGradGuard::grad_enabled() { return g_grad_enabled; }

Variable::Variable(Tensor value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
  node_->op = "leaf";
}

Variable Variable::from_op(Tensor value, std::vector<Variable> inputs, BackwardFn backward, std::string op) {
  Variable out(std::move(value), false);
  out.node_->op = std::move(op);
  if (!g_grad_enabled) return out;
  bool any = false;
  for (const Variable& in : inputs) any = any || (in.defined() && in.requires_grad());
  if (!any) return out;
  out.node_->requires_grad = true;
  out.node_->scope = current_scope();
  out.node_->inputs = std::move(inputs);
  out.node_->backward = std::move(backward);
  return out;
}

Variable::Node& Variable::node() const {
  PLATEAU_CHECK(node_ != nullptr, "Variable: use of an undefined variable");
  return *node_;
}

const Tensor& Variable::value() const { return node().value; }
Tensor& Variable::mutable_value() { return node().value; }
const Tensor& Variable::grad() const { return node().grad; }
bool Variable::has_grad() const { return !node().grad.empty(); }
bool Variable::requires_grad() const { return node().requires_grad; }
const std::string& Variable::op() const { return node().op; }

void Variable::zero_grad() { node().grad = Tensor(); }

void Variable::accumulate_grad(Tensor g) {
  Node& n = node();
  PLATEAU_CHECK(g.shape() == n.value.shape(), "backward: gradient of shape ", g.shape(), " for a value of shape ",
                n.value.shape(), " (op ", n.op, ")");
  if (n.grad.empty()) {
    n.grad = std::move(g);
    return;
  }
  for (int64_t i = 0; i < g.numel(); ++i) n.grad[i] += g[i];
}

Variable Variable::detach() const { return Variable(value(), false); }

void Variable::backward(bool retain_graph) {
  PLATEAU_CHECK(value().numel() == 1, "backward: called on a non-scalar of shape ", value().shape(),
                "; pass an upstream gradient for non-scalar outputs");
  backward(Tensor(value().shape(), 1.0f), retain_graph);
}

void Variable::backward(const Tensor& grad_output, bool retain_graph) {
  Node& root = node();
  PLATEAU_CHECK(!root.freed, "backward: the graph of this ", root.op,
                " result was already freed by an earlier backward(); call backward(true) to retain it");
  PLATEAU_CHECK(root.requires_grad, "backward: this ", root.op, " result does not require a gradient");
  PLATEAU_CHECK(grad_output.shape() == root.value.shape(), "backward: upstream gradient has shape ",
                grad_output.shape(), ", output has ", root.value.shape());

  // Topological order by iterative depth-first search (inputs before the nodes that use them).
  std::vector<Node*> order;
  std::unordered_set<Node*> seen;
  std::vector<std::pair<Node*, size_t>> stack{{&root, 0}};
  seen.insert(&root);
  while (!stack.empty()) {
    auto& [n, next] = stack.back();
    if (next < n->inputs.size()) {
      Node* child = n->inputs[next++].node_.get();
      if (child && child->requires_grad && !seen.count(child)) {
        seen.insert(child);
        stack.push_back({child, 0});
      }
    } else {
      order.push_back(n);
      stack.pop_back();
    }
  }

  accumulate_grad(grad_output);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* n = *it;
    if (!n->backward || n->grad.empty()) continue;  // a leaf, or no gradient flows here
    std::map<std::string, double>* timer = backward_timer();
    const auto start = timer ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    std::vector<Tensor> grads = n->backward(n->grad, n->value);
    PLATEAU_CHECK(grads.size() == n->inputs.size(), "backward: op ", n->op, " returned ", grads.size(),
                  " gradients for ", n->inputs.size(), " inputs");
    for (size_t i = 0; i < grads.size(); ++i) {
      Variable& in = n->inputs[i];
      if (in.defined() && in.requires_grad() && !grads[i].empty()) in.accumulate_grad(std::move(grads[i]));
    }
    if (timer) (*timer)[n->scope] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!retain_graph && n != &root) n->grad = Tensor();  // intermediate gradients are not kept
  }
  if (!retain_graph) {
    for (Node* n : order) {
      if (!n->backward) continue;
      n->backward = nullptr;
      n->inputs.clear();
      n->freed = true;
    }
  }
}

}  // namespace plateau
