#pragma once
// Dtype policies, Keras' names (keras.DTypePolicy, keras.mixed_precision): "float32", the default, and
// "mixed_bfloat16" — variables and optimizer state in float32, convolutions and matrix products in
// bfloat16 with float32 sums (core/ops/bfloat16.h). A layer takes the global policy when it is made, as
// in Keras; a model spec's layer may name its own ("dtype": "mixed_bfloat16"). Only Conv2D and Dense
// compute differently under mixed_bfloat16; batch norm statistics, pooling, softmax and the loss stay in
// float32 (Keras computes those in float32 under a mixed policy as well).
//
//   plateau::set_dtype_policy("mixed_bfloat16");   // keras.mixed_precision.set_global_policy(...)
//   auto model = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 42);

#include <string>
#include <vector>

#include "plateau/core/ops/bfloat16.h"

namespace plateau {

const std::vector<std::string>& dtype_policies();  // float32, mixed_bfloat16
// An Error naming the valid policies unless `name` is one.
void check_dtype_policy(const std::string& name);
ops::ComputeType compute_type_of(const std::string& policy);

// The global policy new layers take (Keras: keras.config.set_dtype_policy), and its setter.
const std::string& dtype_policy();
void set_dtype_policy(const std::string& name);

}  // namespace plateau
