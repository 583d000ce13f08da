#pragma once
// Model specs: a JSON layer list, as Keras configs name things.
//   [{"type":"Conv2D","filters":32,"kernel_size":3,"activation":"relu"},{"type":"BatchNormalization"},…]
// or {"input_shape":[28,28,1],"layers":[…]}. Built-in names: seed-cnn, mlp, vgg-mini.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/layers/layer.h"
#include "plateau/layers/sequential.h"

namespace plateau {

const std::vector<std::string>& named_models();  // seed-cnn, mlp, vgg-mini
nlohmann::json named_model_spec(const std::string& name);

// A named model, a path to a JSON file, or inline JSON text -> a spec object {"layers": […], …}.
nlohmann::json resolve_model_spec(const std::string& model);
// A parsed spec: a list of layers becomes {"layers": […]}; anything else without a "layers" list is
// an Error naming `source`.
nlohmann::json normalize_model_spec(nlohmann::json spec, const std::string& source);
// The spec's own "input_shape" (Keras order, 1 to 3 positive integers), else `fallback`.
Shape model_input_shape(const nlohmann::json& spec, const Shape& fallback = Shape{28, 28, 1});

// One layer from its spec object; unknown types and arguments are errors listing the valid ones.
std::unique_ptr<Layer> layer_from_spec(const nlohmann::json& spec);

// Builds the model for a per-sample input shape in Keras order (H,W,C) or (F). A dtype policy
// (dtype_policy.h) applies to every layer whose spec names none; "" leaves them the global policy.
std::unique_ptr<Sequential> build_model(const nlohmann::json& spec, const Shape& input_shape_keras, uint64_t seed,
                                        const std::string& dtype_policy = "");

}  // namespace plateau
