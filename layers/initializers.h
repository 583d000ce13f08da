#pragma once
// Keras weight initializers (keras/src/initializers/random_initializers.py), drawn from our Rng.
// fan_in/fan_out follow Keras: Dense (in, out); Conv2D (C·R·S, K·R·S).

#include <string>
#include <vector>

#include "plateau/core/random.h"
#include "plateau/core/tensor.h"

namespace plateau {

const std::vector<std::string>& initializer_names();
void check_initializer_name(const std::string& name, const std::string& where);
// glorot_uniform: U(±√(6/(fan_in+fan_out))); glorot_normal: truncated N(0, √(2/(fan_in+fan_out))/.8796);
// he_uniform: U(±√(6/fan_in)); he_normal: truncated N(0, √(2/fan_in)/.8796); zeros; ones.
Tensor initialize(const std::string& name, const Shape& shape, int64_t fan_in, int64_t fan_out, Rng& rng);

}  // namespace plateau
