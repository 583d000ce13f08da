#include "plateau/layers/max_pooling2d.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"
#include "plateau/layers/padding.h"

namespace plateau {

MaxPooling2D::MaxPooling2D(MaxPooling2DOptions options) : options_(std::move(options)) {
  auto& o = options_;
  PLATEAU_CHECK(o.pool_size[0] >= 1 && o.pool_size[1] >= 1, "MaxPooling2D: pool_size must be positive, got (",
                o.pool_size[0], ",", o.pool_size[1], ")");
  if (o.strides[0] == 0 && o.strides[1] == 0) o.strides = o.pool_size;
  PLATEAU_CHECK(o.strides[0] >= 1 && o.strides[1] >= 1, "MaxPooling2D: strides must be positive, got (", o.strides[0],
                ",", o.strides[1], ")");
  check_padding_name(o.padding, "MaxPooling2D");
}

Shape MaxPooling2D::build(const Shape& input, Rng&) {
  check_input_rank(input, 3, "(channels, height, width)");
  const auto& o = options_;
  const int64_t H = input[1], W = input[2];
  const AxisPadding ph = keras_padding(H, o.pool_size[0], o.strides[0], o.padding);
  const AxisPadding pw = keras_padding(W, o.pool_size[1], o.strides[1], o.padding);
  PLATEAU_CHECK(o.pool_size[0] <= H + ph.before + ph.after && o.pool_size[1] <= W + pw.before + pw.after,
                "MaxPooling2D '", name(), "': pool ", o.pool_size[0], "x", o.pool_size[1], " is larger than its input ",
                H, "x", W);
  params_ = {o.pool_size[0], o.pool_size[1], o.strides[0], o.strides[1], ph.before, ph.after, pw.before, pw.after};
  mark_built();
  return {input[0], ops::conv_output_size(H, o.pool_size[0], o.strides[0], ph.before, ph.after),
          ops::conv_output_size(W, o.pool_size[1], o.strides[1], pw.before, pw.after)};
}

nlohmann::json MaxPooling2D::config() const {
  return {{"type", type()}, {"pool_size", options_.pool_size}, {"strides", options_.strides},
          {"padding", options_.padding}};
}

Variable MaxPooling2D::forward(const Variable& x) {
  check_built("forward");
  return fn::max_pool2d(x, params_);
}

}  // namespace plateau
