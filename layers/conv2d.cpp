#include "plateau/layers/conv2d.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"
#include "plateau/layers/activation.h"
#include "plateau/layers/initializers.h"
#include "plateau/layers/padding.h"

namespace plateau {

Conv2D::Conv2D(Conv2DOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  PLATEAU_CHECK(o.filters >= 1, "Conv2D: filters must be a positive integer, got ", o.filters);
  PLATEAU_CHECK(o.kernel_size[0] >= 1 && o.kernel_size[1] >= 1, "Conv2D: kernel_size must be positive, got (",
                o.kernel_size[0], ",", o.kernel_size[1], ")");
  PLATEAU_CHECK(o.strides[0] >= 1 && o.strides[1] >= 1, "Conv2D: strides must be positive, got (", o.strides[0], ",",
                o.strides[1], ")");
  check_padding_name(o.padding, "Conv2D");
  check_activation_name(o.activation, "Conv2D");
  check_initializer_name(o.kernel_initializer, "Conv2D kernel_initializer");
  check_initializer_name(o.bias_initializer, "Conv2D bias_initializer");
}

Shape Conv2D::build(const Shape& input, Rng& rng) {
  check_input_rank(input, 3, "(channels, height, width)");
  const auto& o = options_;
  const int64_t C = input[0], H = input[1], W = input[2], R = o.kernel_size[0], S = o.kernel_size[1];
  const AxisPadding ph = keras_padding(H, o.kernel_size[0], o.strides[0], o.padding);
  const AxisPadding pw = keras_padding(W, o.kernel_size[1], o.strides[1], o.padding);
  params_ = {o.strides[0], o.strides[1], ph.before, ph.after, pw.before, pw.after};
  PLATEAU_CHECK(R <= H + ph.before + ph.after && S <= W + pw.before + pw.after, "Conv2D '", name(), "': kernel ", R,
                "x", S, " is larger than its input ", H, "x", W, " (padding \"", o.padding, "\")");
  weight_ = register_parameter(
      "weight", initialize(o.kernel_initializer, {o.filters, C, R, S}, C * R * S, o.filters * R * S, rng));
  if (o.use_bias) bias_ = register_parameter("bias", initialize(o.bias_initializer, {o.filters}, C * R * S, o.filters, rng));
  mark_built();
  return {o.filters, ops::conv_output_size(H, R, o.strides[0], ph.before, ph.after),
          ops::conv_output_size(W, S, o.strides[1], pw.before, pw.after)};
}

nlohmann::json Conv2D::config() const {
  const auto& o = options_;
  return {{"type", type()},
          {"filters", o.filters},
          {"kernel_size", o.kernel_size},
          {"strides", o.strides},
          {"padding", o.padding},
          {"activation", o.activation},
          {"use_bias", o.use_bias},
          {"kernel_initializer", o.kernel_initializer},
          {"bias_initializer", o.bias_initializer}};
}

ops::Conv2dParams Conv2D::with_policy(ops::Conv2dParams p) const {
  p.compute = compute_type();
  return p;
}

Variable Conv2D::convolve(const Variable& x) {
  check_built("forward");
  PLATEAU_CHECK(x.shape().rank() == 4, "Conv2D '", name(), "' expects (N,C,H,W) input, got shape ", x.shape());
  return fn::conv2d(x, weight_, bias_, with_policy(params_));
}

Variable Conv2D::forward(const Variable& x) {
  if (options_.activation == "relu") {  // fused into the convolution kernel
    check_built("forward");
    PLATEAU_CHECK(x.shape().rank() == 4, "Conv2D '", name(), "' expects (N,C,H,W) input, got shape ", x.shape());
    return fn::conv2d(x, weight_, bias_, with_policy(params_), /*relu=*/true);
  }
  return apply_activation(options_.activation, convolve(x));
}

Variable Conv2D::forward_without_softmax(const Variable& x) {
  return options_.activation == "softmax" ? convolve(x) : forward(x);
}

}  // namespace plateau
