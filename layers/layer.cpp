#include "plateau/layers/layer.h"

#include "plateau/core/error.h"

namespace plateau {

void Layer::set_dtype_policy(const std::string& policy) {
  check_dtype_policy(policy);
  dtype_policy_ = policy;
}

void Layer::check_built(const char* what) const {
  PLATEAU_CHECK(built_, type(), " '", name_, "': ", what, " before the layer was built");
}

void Layer::check_input_rank(const Shape& input, int64_t rank, const char* expected) const {
  PLATEAU_CHECK(input.rank() == rank, type(), " '", name_, "' expects ", expected, " input, got per-sample shape ",
                input, input.rank() == 3 && rank == 1 ? " (add a Flatten layer before it)" : "");
}

}  // namespace plateau
