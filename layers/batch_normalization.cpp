#include "plateau/layers/batch_normalization.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"

namespace plateau {

BatchNormalization::BatchNormalization(BatchNormalizationOptions options) : options_(options) {
  PLATEAU_CHECK(options_.momentum >= 0.0 && options_.momentum <= 1.0,
                "BatchNormalization: momentum must be in [0, 1], got ", options_.momentum);
  PLATEAU_CHECK(options_.epsilon > 0.0, "BatchNormalization: epsilon must be positive, got ", options_.epsilon);
}

Shape BatchNormalization::build(const Shape& input, Rng&) {
  PLATEAU_CHECK(input.rank() == 1 || input.rank() == 3, "BatchNormalization '", name(),
                "' expects (C,H,W) or (F) input, got per-sample shape ", input);
  const int64_t C = input[0];
  if (options_.scale) gamma_ = register_parameter("weight", Tensor({C}, 1.0f));
  if (options_.center) beta_ = register_parameter("bias", Tensor({C}, 0.0f));
  running_mean_ = register_buffer("running_mean", Tensor({C}, 0.0f));
  running_var_ = register_buffer("running_var", Tensor({C}, 1.0f));
  mark_built();
  return input;
}

nlohmann::json BatchNormalization::config() const {
  return {{"type", type()},
          {"momentum", options_.momentum},
          {"epsilon", options_.epsilon},
          {"center", options_.center},
          {"scale", options_.scale}};
}

void BatchNormalization::check_input(const Variable& x) const {
  check_built("forward");
  const int64_t C = running_mean_.value().numel();
  PLATEAU_CHECK((x.shape().rank() == 2 || x.shape().rank() == 4) && x.shape()[1] == C, "BatchNormalization '",
                name(), "' expects (N,", C, ",...) input, got shape ", x.shape());
}

void BatchNormalization::update_moving_statistics(const Tensor& batch_mean, const Tensor& batch_var) {
  const double m = options_.momentum;
  Tensor& mean = running_mean_.mutable_value();
  Tensor& var = running_var_.mutable_value();
  for (int64_t c = 0; c < mean.numel(); ++c) {
    mean[c] = static_cast<float>(mean[c] * m + batch_mean[c] * (1.0 - m));
    var[c] = static_cast<float>(var[c] * m + batch_var[c] * (1.0 - m));
  }
}

Variable BatchNormalization::forward(const Variable& x) {
  check_input(x);
  if (!training())
    return fn::batch_norm_inference(x, gamma_, beta_, running_mean_.value(), running_var_.value(), options_.epsilon);
  Tensor batch_mean, batch_var;
  Variable y = fn::batch_norm(x, gamma_, beta_, options_.epsilon, &batch_mean, &batch_var);
  update_moving_statistics(batch_mean, batch_var);
  return y;
}

Variable BatchNormalization::forward_then_max_pool(const Variable& x, const ops::MaxPool2dParams& pool) {
  check_input(x);
  if (!training())
    return fn::batch_norm_inference_max_pool2d(x, gamma_, beta_, running_mean_.value(), running_var_.value(),
                                               options_.epsilon, pool);
  Tensor batch_mean, batch_var;
  Variable y = fn::batch_norm_max_pool2d(x, gamma_, beta_, options_.epsilon, pool, &batch_mean, &batch_var);
  update_moving_statistics(batch_mean, batch_var);
  return y;
}

bool BatchNormalization::fuses_after(const Conv2D& conv, const Shape& x, const ops::MaxPool2dParams& pool) {
  const std::string activation = conv.activation();
  return (activation == "relu" || activation == "linear") && conv.weight().defined() &&
         ops::conv2d_batch_norm_max_pool2d_applies(x, conv.weight().shape(), conv.params(), pool);
}

Variable BatchNormalization::forward_after_conv_then_max_pool(Conv2D& conv, const Variable& x,
                                                             const ops::MaxPool2dParams& pool) {
  check_built("forward");
  // the op gives x no gradient, and in inference it records no graph
  const bool fused = !x.requires_grad() && (training() || !NoGradGuard::grad_enabled()) &&
                     fuses_after(conv, x.shape(), pool);
  if (!fused) return forward_then_max_pool(conv.forward(x), pool);
  const bool relu = conv.activation() == "relu";
  const int64_t C = running_mean_.value().numel();
  PLATEAU_CHECK(conv.weight().shape()[0] == C, "BatchNormalization '", name(), "' expects ", C,
                " channels, the convolution '", conv.name(), "' gives ", conv.weight().shape()[0]);
  if (!training())
    return fn::conv2d_batch_norm_inference_max_pool2d(x, conv.weight(), conv.bias(), conv.params(), relu, gamma_,
                                                      beta_, running_mean_.value(), running_var_.value(),
                                                      options_.epsilon, pool);
  Tensor batch_mean, batch_var;
  Variable y = fn::conv2d_batch_norm_max_pool2d(x, conv.weight(), conv.bias(), conv.params(), relu, gamma_, beta_,
                                                options_.epsilon, pool, &batch_mean, &batch_var);
  update_moving_statistics(batch_mean, batch_var);
  return y;
}

}  // namespace plateau
