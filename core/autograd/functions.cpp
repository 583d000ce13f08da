#include "plateau/core/autograd/functions.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/activations.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/batch_norm_max_pool2d.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "plateau/core/ops/crossentropy.h"
#include "plateau/core/ops/dropout.h"
#include "plateau/core/ops/elementwise.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/softmax.h"
#include "plateau/core/ops/softmax_cross_entropy.h"

namespace plateau::fn {
namespace {

bool wants(const Variable& v) { return v.defined() && v.requires_grad(); }

// The gradients of an op's inputs, in order, moved into the vector: a braced list would copy every one
// (std::initializer_list holds const elements), a full copy of each gradient on every backward step.
template <typename... Grads>
std::vector<Tensor> gradients(Grads&&... g) {
  std::vector<Tensor> out;
  out.reserve(sizeof...(g));
  (out.push_back(std::forward<Grads>(g)), ...);
  return out;
}
const Tensor& value_or_empty(const Variable& v) {
  static const Tensor kEmpty;
  return v.defined() ? v.value() : kEmpty;
}

// The fused op's parameters as the kernels read them: views of the variables' current values.
ops::ConvBatchNormPool conv_batch_norm_pool(const Variable& w, const Variable& b, const ops::Conv2dParams& conv,
                                            bool relu, const Variable& gamma, const Variable& beta, double eps,
                                            const ops::MaxPool2dParams& pool) {
  return {w.value(), value_or_empty(b), conv, relu, value_or_empty(gamma), value_or_empty(beta), eps, pool};
}

}  // namespace

Variable matmul(const Variable& a, const Variable& b) {
  return Variable::from_op(
      ops::matmul_forward(a.value(), b.value()), {a, b},
      [a, b](const Tensor& dy, const Tensor&) {
        ops::MatmulGrads g = ops::matmul_backward(dy, a.value(), b.value());
        return gradients(std::move(g.da), std::move(g.db));
      },
      "matmul");
}

Variable linear(const Variable& x, const Variable& w, const Variable& b, ops::ComputeType compute) {
  return Variable::from_op(
      ops::linear_forward(x.value(), w.value(), value_or_empty(b), compute), {x, w, b},
      [x, w, b, compute](const Tensor& dy, const Tensor&) {
        ops::LinearGrads g = ops::linear_backward(dy, x.value(), w.value(), b.defined(), compute);
        return gradients(wants(x) ? std::move(g.dx) : Tensor(), std::move(g.dw), std::move(g.db));
      },
      "linear");
}

Variable conv2d(const Variable& x, const Variable& w, const Variable& b, const ops::Conv2dParams& p, bool relu) {
  return Variable::from_op(
      ops::conv2d_forward(x.value(), w.value(), value_or_empty(b), p, relu), {x, w, b},
      [x, w, b, p, relu](const Tensor& dy, const Tensor& y) {
        // fused ReLU: the gradient passes where the output y is positive
        ops::Conv2dGrads g = ops::conv2d_backward(dy, x.value(), w.value(), p, b.defined(), wants(x), relu ? &y : nullptr);
        return gradients(std::move(g.dx), std::move(g.dw), std::move(g.db));
      },
      relu ? "conv2d_relu" : "conv2d");
}

Variable max_pool2d(const Variable& x, const ops::MaxPool2dParams& p) {
  ops::MaxPool2dResult r = ops::max_pool2d_forward(x.value(), p);
  auto argmax = std::make_shared<ops::Argmax>(std::move(r.argmax));
  const Shape x_shape = x.shape();
  return Variable::from_op(
      std::move(r.y), {x},
      [argmax, x_shape](const Tensor& dy, const Tensor&) {
        return gradients(ops::max_pool2d_backward(dy, *argmax, x_shape));
      },
      "max_pool2d");
}

Variable batch_norm(const Variable& x, const Variable& gamma, const Variable& beta, double eps, Tensor* batch_mean,
                    Tensor* batch_var) {
  ops::BatchNormResult r = ops::batch_norm_forward_train(x.value(), value_or_empty(gamma), value_or_empty(beta), eps);
  if (batch_mean) *batch_mean = r.mean;
  if (batch_var) *batch_var = r.var;
  auto saved = std::make_shared<std::pair<Tensor, Tensor>>(std::move(r.mean), std::move(r.invstd));
  return Variable::from_op(
      std::move(r.y), {x, gamma, beta},
      [x, gamma, beta, saved](const Tensor& dy, const Tensor&) {
        ops::BatchNormGrads g = ops::batch_norm_backward_train(dy, x.value(), value_or_empty(gamma),
                                                               value_or_empty(beta), saved->first, saved->second);
        return gradients(std::move(g.dx), std::move(g.dgamma), std::move(g.dbeta));
      },
      "batch_norm");
}

Variable batch_norm_inference(const Variable& x, const Variable& gamma, const Variable& beta,
                              const Tensor& running_mean, const Tensor& running_var, double eps) {
  return Variable::from_op(
      ops::batch_norm_forward_infer(x.value(), value_or_empty(gamma), value_or_empty(beta), running_mean, running_var,
                                    eps),
      {x, gamma, beta},
      [x, gamma, beta, running_mean, running_var, eps](const Tensor& dy, const Tensor&) {
        ops::BatchNormGrads g = ops::batch_norm_backward_infer(dy, x.value(), value_or_empty(gamma),
                                                               value_or_empty(beta), running_mean, running_var, eps);
        return gradients(std::move(g.dx), std::move(g.dgamma), std::move(g.dbeta));
      },
      "batch_norm_inference");
}

Variable batch_norm_max_pool2d(const Variable& x, const Variable& gamma, const Variable& beta, double eps,
                               const ops::MaxPool2dParams& p, Tensor* batch_mean, Tensor* batch_var) {
  ops::BatchNormMaxPoolResult r =
      ops::batch_norm_max_pool2d_forward_train(x.value(), value_or_empty(gamma), value_or_empty(beta), eps, p);
  if (batch_mean) *batch_mean = r.mean;
  if (batch_var) *batch_var = r.var;
  struct Saved {
    ops::Argmax argmax;
    Tensor mean, invstd;
  };
  auto saved = std::make_shared<Saved>(Saved{std::move(r.argmax), std::move(r.mean), std::move(r.invstd)});
  return Variable::from_op(
      std::move(r.y), {x, gamma, beta},
      [x, gamma, beta, saved](const Tensor& dy, const Tensor&) {
        ops::BatchNormGrads g = ops::batch_norm_max_pool2d_backward_train(
            dy, saved->argmax, x.value(), value_or_empty(gamma), value_or_empty(beta), saved->mean, saved->invstd);
        return gradients(std::move(g.dx), std::move(g.dgamma), std::move(g.dbeta));
      },
      "batch_norm_max_pool2d");
}

Variable batch_norm_inference_max_pool2d(const Variable& x, const Variable& gamma, const Variable& beta,
                                         const Tensor& running_mean, const Tensor& running_var, double eps,
                                         const ops::MaxPool2dParams& p) {
  ops::BatchNormMaxPoolResult r = ops::batch_norm_max_pool2d_forward_infer(
      x.value(), value_or_empty(gamma), value_or_empty(beta), running_mean, running_var, eps, p);
  auto argmax = std::make_shared<ops::Argmax>(std::move(r.argmax));
  return Variable::from_op(
      std::move(r.y), {x, gamma, beta},
      [x, gamma, beta, argmax, running_mean, running_var, eps](const Tensor& dy, const Tensor&) {
        ops::BatchNormGrads g = ops::batch_norm_max_pool2d_backward_infer(
            dy, *argmax, x.value(), value_or_empty(gamma), value_or_empty(beta), running_mean, running_var, eps);
        return gradients(std::move(g.dx), std::move(g.dgamma), std::move(g.dbeta));
      },
      "batch_norm_inference_max_pool2d");
}

Variable conv2d_batch_norm_max_pool2d(const Variable& x, const Variable& w, const Variable& b,
                                      const ops::Conv2dParams& conv, bool relu, const Variable& gamma,
                                      const Variable& beta, double eps, const ops::MaxPool2dParams& pool,
                                      Tensor* batch_mean, Tensor* batch_var) {
  PLATEAU_CHECK(!wants(x), "conv2d_batch_norm_max_pool2d: its input gets no gradient, but x requires one");
  auto saved = std::make_shared<ops::ConvBatchNormMaxPoolResult>(ops::conv2d_batch_norm_max_pool2d_forward_train(
      x.value(), conv_batch_norm_pool(w, b, conv, relu, gamma, beta, eps, pool)));
  if (batch_mean) *batch_mean = saved->mean;
  if (batch_var) *batch_var = saved->var;
  Tensor y = std::move(saved->y);
  return Variable::from_op(
      std::move(y), {x, w, b, gamma, beta},
      [x, w, b, gamma, beta, conv, relu, eps, pool, saved](const Tensor& dy, const Tensor&) {
        ops::ConvBatchNormGrads g = ops::conv2d_batch_norm_max_pool2d_backward_train(
            dy, x.value(), conv_batch_norm_pool(w, b, conv, relu, gamma, beta, eps, pool), *saved);
        return gradients(Tensor(), std::move(g.dw), std::move(g.db), std::move(g.dgamma), std::move(g.dbeta));
      },
      "conv2d_batch_norm_max_pool2d");
}

Variable conv2d_batch_norm_inference_max_pool2d(const Variable& x, const Variable& w, const Variable& b,
                                                const ops::Conv2dParams& conv, bool relu, const Variable& gamma,
                                                const Variable& beta, const Tensor& running_mean,
                                                const Tensor& running_var, double eps,
                                                const ops::MaxPool2dParams& pool) {
  PLATEAU_CHECK(!NoGradGuard::grad_enabled() || !(wants(x) || wants(w) || wants(b) || wants(gamma) || wants(beta)),
                "conv2d_batch_norm_inference_max_pool2d records no graph; call it under NoGradGuard");
  return Variable(ops::conv2d_batch_norm_max_pool2d_forward_infer(
      x.value(), conv_batch_norm_pool(w, b, conv, relu, gamma, beta, eps, pool), running_mean, running_var));
}

Variable dropout(const Variable& x, double rate, Rng& rng) {
  ops::DropoutResult r = ops::dropout_forward(x.value(), rate, rng);
  auto mask = std::make_shared<Tensor>(std::move(r.mask));
  return Variable::from_op(
      std::move(r.y), {x},
      [mask](const Tensor& dy, const Tensor&) { return gradients(ops::dropout_backward(dy, *mask)); }, "dropout");
}

// An activation whose backward needs only its output y, saved once in the closure.
Variable unary_from_output(const Variable& x, Tensor (*forward)(const Tensor&),
                           Tensor (*backward)(const Tensor&, const Tensor&), const char* op) {
  auto y = std::make_shared<Tensor>(forward(x.value()));
  Tensor out = *y;
  return Variable::from_op(
      std::move(out), {x}, [y, backward](const Tensor& dy, const Tensor&) { return gradients(backward(dy, *y)); }, op);
}

Variable relu(const Variable& x) { return unary_from_output(x, ops::relu_forward, ops::relu_backward, "relu"); }
Variable sigmoid(const Variable& x) {
  return unary_from_output(x, ops::sigmoid_forward, ops::sigmoid_backward, "sigmoid");
}
Variable tanh(const Variable& x) { return unary_from_output(x, ops::tanh_forward, ops::tanh_backward, "tanh"); }
Variable softmax(const Variable& x) {
  return unary_from_output(x, ops::softmax_forward, ops::softmax_backward, "softmax");
}
Variable log_softmax(const Variable& x) {
  return unary_from_output(x, ops::log_softmax_forward, ops::log_softmax_backward, "log_softmax");
}

Variable softmax_cross_entropy(const Variable& logits, const Tensor& target) {
  ops::SoftmaxCrossEntropyResult r = ops::softmax_cross_entropy_forward(logits.value(), target);
  auto probs = std::make_shared<Tensor>(std::move(r.probs));
  return Variable::from_op(
      std::move(r.loss), {logits},
      [probs, target](const Tensor& dloss, const Tensor&) {
        return gradients(ops::softmax_cross_entropy_backward(dloss.item(), *probs, target));
      },
      "softmax_cross_entropy");
}

Variable sparse_softmax_cross_entropy(const Variable& logits, const std::vector<int32_t>& labels) {
  ops::SoftmaxCrossEntropyResult r = ops::sparse_softmax_cross_entropy_forward(logits.value(), labels);
  auto probs = std::make_shared<Tensor>(std::move(r.probs));
  return Variable::from_op(
      std::move(r.loss), {logits},
      [probs, labels](const Tensor& dloss, const Tensor&) {
        return gradients(ops::sparse_softmax_cross_entropy_backward(dloss.item(), *probs, labels));
      },
      "sparse_softmax_cross_entropy");
}

Variable crossentropy_from_probs(const Variable& probs, const Tensor& target) {
  return Variable::from_op(
      ops::crossentropy_from_probs_forward(probs.value(), target), {probs},
      [probs, target](const Tensor& dloss, const Tensor&) {
        return gradients(ops::crossentropy_from_probs_backward(dloss.item(), probs.value(), target));
      },
      "crossentropy_from_probs");
}

Variable mse(const Variable& prediction, const Tensor& target) {
  return Variable::from_op(
      ops::mse_forward(prediction.value(), target), {prediction},
      [prediction, target](const Tensor& dloss, const Tensor&) {
        return gradients(ops::mse_backward(dloss.item(), prediction.value(), target));
      },
      "mse");
}

Variable add(const Variable& a, const Variable& b) {
  return Variable::from_op(
      ops::add_forward(a.value(), b.value()), {a, b},
      [](const Tensor& dy, const Tensor&) { return gradients(dy, dy); }, "add");
}

Variable mul(const Variable& a, const Variable& b) {
  return Variable::from_op(
      ops::mul_forward(a.value(), b.value()), {a, b},
      [a, b](const Tensor& dy, const Tensor&) {
        return gradients(wants(a) ? ops::mul_forward(dy, b.value()) : Tensor(),
                                   wants(b) ? ops::mul_forward(dy, a.value()) : Tensor());
      },
      "mul");
}

Variable sum(const Variable& x) {
  const Shape shape = x.shape();
  return Variable::from_op(
      ops::sum_forward(x.value()), {x},
      [shape](const Tensor& dy, const Tensor&) { return gradients(ops::fill_like(shape, dy.item())); }, "sum");
}

Variable mean(const Variable& x) {
  const Shape shape = x.shape();
  return Variable::from_op(
      ops::mean_forward(x.value()), {x},
      [shape](const Tensor& dy, const Tensor&) {
        return gradients(
            ops::fill_like(shape, static_cast<float>(dy.item() / static_cast<double>(shape.numel()))));
      },
      "mean");
}

Variable reshape(const Variable& x, const Shape& shape) {
  const Shape from = x.shape();
  return Variable::from_op(
      x.value().reshaped(shape), {x}, [from](const Tensor& dy, const Tensor&) { return gradients(dy.reshaped(from)); },
      "reshape");
}

Variable flatten(const Variable& x) {
  PLATEAU_CHECK(x.shape().rank() >= 1, "flatten: input must have a batch axis, got shape ", x.shape());
  const int64_t n = x.shape()[0];
  return reshape(x, Shape{n, n == 0 ? 0 : x.value().numel() / n});
}

}  // namespace plateau::fn
