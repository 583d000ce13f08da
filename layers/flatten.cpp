#include "plateau/layers/flatten.h"

#include "plateau/core/autograd/functions.h"

namespace plateau {

Shape Flatten::build(const Shape& input, Rng&) {
  mark_built();
  return {input.numel()};
}

Variable Flatten::forward(const Variable& x) { return fn::flatten(x); }

}  // namespace plateau
