#include "plateau/layers/dense.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"
#include "plateau/layers/activation.h"
#include "plateau/layers/initializers.h"

namespace plateau {

Dense::Dense(DenseOptions options) : options_(std::move(options)) {
  PLATEAU_CHECK(options_.units >= 1, "Dense: units must be a positive integer, got ", options_.units);
  check_activation_name(options_.activation, "Dense");
  check_initializer_name(options_.kernel_initializer, "Dense kernel_initializer");
  check_initializer_name(options_.bias_initializer, "Dense bias_initializer");
}

Shape Dense::build(const Shape& input, Rng& rng) {
  check_input_rank(input, 1, "flat (features)");
  const int64_t in = input[0], out = options_.units;
  weight_ = register_parameter("weight", initialize(options_.kernel_initializer, {out, in}, in, out, rng));
  if (options_.use_bias) bias_ = register_parameter("bias", initialize(options_.bias_initializer, {out}, in, out, rng));
  mark_built();
  return {out};
}

nlohmann::json Dense::config() const {
  return {{"type", type()},
          {"units", options_.units},
          {"activation", options_.activation},
          {"use_bias", options_.use_bias},
          {"kernel_initializer", options_.kernel_initializer},
          {"bias_initializer", options_.bias_initializer}};
}

Variable Dense::affine(const Variable& x) {
  check_built("forward");
  PLATEAU_CHECK(x.shape().rank() == 2, "Dense '", name(), "' expects (N,features) input, got shape ", x.shape(),
                x.shape().rank() == 4 ? " (add a Flatten layer before it)" : "");
  return fn::linear(x, weight_, bias_, compute_type());
}

Variable Dense::forward(const Variable& x) { return apply_activation(options_.activation, affine(x)); }

Variable Dense::forward_without_softmax(const Variable& x) {
  return options_.activation == "softmax" ? affine(x) : forward(x);
}

}  // namespace plateau
