#include "plateau/layers/dropout.h"

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"

namespace plateau {

Dropout::Dropout(DropoutOptions options) : options_(options) {
  PLATEAU_CHECK(options_.rate >= 0.0 && options_.rate < 1.0, "Dropout: rate must be in [0, 1), got ", options_.rate);
}

Shape Dropout::build(const Shape& input, Rng& rng) {
  rng_ = options_.seed ? Rng(*options_.seed) : Rng(rng.next_u64());
  mark_built();
  return input;
}

nlohmann::json Dropout::config() const {
  nlohmann::json j{{"type", type()}, {"rate", options_.rate}};
  if (options_.seed) j["seed"] = *options_.seed;
  return j;
}

Variable Dropout::forward(const Variable& x) {
  check_built("forward");
  if (!training() || options_.rate == 0.0) return x;
  return fn::dropout(x, options_.rate, rng_);
}

}  // namespace plateau
