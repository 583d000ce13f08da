#include "layers/flatten.h"

#include "core/autograd/functions.h"

namespace plateau {

Shape Flatten::build(const Shape& input, Rng&) {
  mark_built();
  return {input.numel()};
}

Variable Flatten::forward(const Variable& x) { return fn::flatten(x); }

}  // namespace plateau
