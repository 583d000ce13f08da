#include "plateau/layers/initializers.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/layers/layer.h"

namespace plateau {
namespace {

// Keras' truncated normal: values beyond two standard deviations are drawn again. The stddev is
// divided by 0.87962566103423978, the stddev of a unit normal truncated at ±2, so the result has
// the intended variance (keras VarianceScaling, distribution="truncated_normal").
Tensor truncated_normal(const Shape& shape, double stddev, Rng& rng) {
  const double s = stddev / 0.87962566103423978;
  Tensor t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) {
    double v = rng.normal();
    while (std::abs(v) > 2.0) v = rng.normal();
    t[i] = static_cast<float>(v * s);
  }
  return t;
}

}  // namespace

const std::vector<std::string>& initializer_names() {
  static const std::vector<std::string> names{"glorot_uniform", "glorot_normal", "he_uniform",
                                              "he_normal",      "zeros",         "ones"};
  return names;
}

void check_initializer_name(const std::string& name, const std::string& where) {
  for (const auto& n : initializer_names())
    if (n == name) return;
  throw Error(cat(where, ": unknown initializer '", name, "' (valid: ", join(initializer_names()), ")"));
}

Tensor initialize(const std::string& name, const Shape& shape, int64_t fan_in, int64_t fan_out, Rng& rng) {
  PLATEAU_CHECK(shape.numel() <= kMaxModelParameters, "a weight of shape ", shape, " has ", shape.numel(),
                " elements, more than the ", kMaxModelParameters, " parameters a model may have");
  const double in = static_cast<double>(fan_in), out = static_cast<double>(fan_out);
  if (name == "glorot_uniform") {
    const double limit = std::sqrt(6.0 / (in + out));
    return uniform_tensor(shape, -limit, limit, rng);
  }
  if (name == "glorot_normal") return truncated_normal(shape, std::sqrt(2.0 / (in + out)), rng);
  if (name == "he_uniform") {
    const double limit = std::sqrt(6.0 / in);
    return uniform_tensor(shape, -limit, limit, rng);
  }
  if (name == "he_normal") return truncated_normal(shape, std::sqrt(2.0 / in), rng);
  if (name == "zeros") return Tensor(shape, 0.0f);
  if (name == "ones") return Tensor(shape, 1.0f);
  check_initializer_name(name, "initializer");
  return Tensor(shape);
}

}  // namespace plateau
