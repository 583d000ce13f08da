#include "plateau/layers/model_spec.h"

#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/spec_args.h"
#include "plateau/core/spec_table.h"
#include "plateau/layers/activation.h"
#include "plateau/layers/batch_normalization.h"
#include "plateau/layers/conv2d.h"
#include "plateau/layers/dense.h"
#include "plateau/layers/dropout.h"
#include "plateau/layers/flatten.h"
#include "plateau/layers/max_pooling2d.h"

namespace plateau {
namespace {

using nlohmann::json;

constexpr int64_t kMaxSpecFileBytes = 16 << 20;

}  // namespace

const std::vector<std::string>& named_models() {
  static const std::vector<std::string> names{"seed-cnn", "mlp", "vgg-mini"};
  return names;
}

json named_model_spec(const std::string& name) {
  json layers = json::array();
  if (name == "seed-cnn") {
    // The seed notebook's Fashion-MNIST CNN.
    for (int filters : {32, 64, 128}) {
      layers.push_back({{"type", "Conv2D"}, {"filters", filters}, {"kernel_size", 3}, {"activation", "relu"}});
      layers.push_back({{"type", "BatchNormalization"}});
      if (filters != 128) layers.push_back({{"type", "MaxPooling2D"}, {"pool_size", 2}});
    }
    layers.push_back({{"type", "Flatten"}});
    layers.push_back({{"type", "Dense"}, {"units", 128}, {"activation", "relu"}});
    layers.push_back({{"type", "Dropout"}, {"rate", 0.5}});
    layers.push_back({{"type", "Dense"}, {"units", 10}, {"activation", "softmax"}});
  } else if (name == "mlp") {
    layers.push_back({{"type", "Flatten"}});
    layers.push_back({{"type", "Dense"}, {"units", 256}, {"activation", "relu"}});
    layers.push_back({{"type", "Dropout"}, {"rate", 0.2}});
    layers.push_back({{"type", "Dense"}, {"units", 10}, {"activation", "softmax"}});
  } else if (name == "vgg-mini") {
    // Three VGG blocks: two 3x3 "same" convolutions, batch norm, 2x2 pool; any input of 8x8 or more.
    for (int filters : {32, 64, 128}) {
      for (int i = 0; i < 2; ++i)
        layers.push_back({{"type", "Conv2D"}, {"filters", filters}, {"kernel_size", 3}, {"padding", "same"},
                          {"activation", "relu"}});
      layers.push_back({{"type", "BatchNormalization"}});
      layers.push_back({{"type", "MaxPooling2D"}, {"pool_size", 2}});
    }
    layers.push_back({{"type", "Flatten"}});
    layers.push_back({{"type", "Dense"}, {"units", 128}, {"activation", "relu"}});
    layers.push_back({{"type", "Dropout"}, {"rate", 0.5}});
    layers.push_back({{"type", "Dense"}, {"units", 10}, {"activation", "softmax"}});
  } else {
    throw Error(cat("unknown model '", name, "' (named models: ", join(named_models()), ")"));
  }
  return {{"name", name}, {"layers", layers}};
}

json resolve_model_spec(const std::string& model) {
  for (const auto& n : named_models())
    if (model == n) return named_model_spec(model);
  const auto first = model.find_first_not_of(" \t\n");
  if (first != std::string::npos && (model[first] == '[' || model[first] == '{'))
    return normalize_model_spec(parse_json_text(model, "model spec (inline)"), "model spec (inline)");
  PLATEAU_CHECK(io::is_regular_file(model), "--model '", printable(model), "' is neither a named model (",
                join(named_models()), "), a JSON file, nor inline JSON");
  const std::string source = "model spec '" + printable(model) + "'";
  return normalize_model_spec(parse_json_text(io::read_file(model, kMaxSpecFileBytes), source), source);
}

json normalize_model_spec(json spec, const std::string& source) {
  if (spec.is_array()) spec = json{{"layers", spec}};
  PLATEAU_CHECK(spec.is_object() && spec.contains("layers") && spec["layers"].is_array(), source,
                " must be a list of layers or an object with \"layers\", got ", json_for_message(spec));
  return spec;
}

Shape model_input_shape(const json& spec, const Shape& fallback) {
  if (!spec.is_object() || !spec.contains("input_shape")) return fallback;
  const std::vector<int64_t> dims =
      JsonField(spec, "model spec").at("input_shape").integers(1, std::numeric_limits<int64_t>::max());
  PLATEAU_CHECK(!dims.empty() && dims.size() <= 3, "model spec: input_shape must have 1 to 3 dimensions, got ",
                json_for_message(spec["input_shape"]));
  return Shape(dims);
}

namespace {

// Each maker reads its keys with the options struct's defaults (Keras' own).
std::unique_ptr<Layer> make_conv2d(const SpecArgs& a) {
  const Conv2DOptions d;
  a.require("filters");
  a.require("kernel_size");
  return std::make_unique<Conv2D>(Conv2DOptions{.filters = a.integer("filters", d.filters),
                                                .kernel_size = a.pair("kernel_size", d.kernel_size),
                                                .strides = a.pair("strides", d.strides),
                                                .padding = a.text("padding", d.padding),
                                                .activation = a.text("activation", d.activation),
                                                .use_bias = a.boolean("use_bias", d.use_bias),
                                                .kernel_initializer = a.text("kernel_initializer", d.kernel_initializer),
                                                .bias_initializer = a.text("bias_initializer", d.bias_initializer)});
}

std::unique_ptr<Layer> make_dense(const SpecArgs& a) {
  const DenseOptions d;
  a.require("units");
  return std::make_unique<Dense>(DenseOptions{.units = a.integer("units", d.units),
                                              .activation = a.text("activation", d.activation),
                                              .use_bias = a.boolean("use_bias", d.use_bias),
                                              .kernel_initializer = a.text("kernel_initializer", d.kernel_initializer),
                                              .bias_initializer = a.text("bias_initializer", d.bias_initializer)});
}

std::unique_ptr<Layer> make_batch_normalization(const SpecArgs& a) {
  const BatchNormalizationOptions d;
  return std::make_unique<BatchNormalization>(BatchNormalizationOptions{.momentum = a.number("momentum", d.momentum),
                                                                        .epsilon = a.number("epsilon", d.epsilon),
                                                                        .center = a.boolean("center", d.center),
                                                                        .scale = a.boolean("scale", d.scale)});
}

std::unique_ptr<Layer> make_max_pooling2d(const SpecArgs& a) {
  const MaxPooling2DOptions d;
  return std::make_unique<MaxPooling2D>(MaxPooling2DOptions{.pool_size = a.pair("pool_size", d.pool_size),
                                                            .strides = a.pair("strides", d.strides),
                                                            .padding = a.text("padding", d.padding)});
}

std::unique_ptr<Layer> make_dropout(const SpecArgs& a) {
  const DropoutOptions d;
  a.require("rate");
  DropoutOptions o{.rate = a.number("rate", d.rate)};
  if (a.has("seed")) o.seed = static_cast<uint64_t>(a.integer64("seed", 0));
  return std::make_unique<Dropout>(o);
}

std::unique_ptr<Layer> make_flatten(const SpecArgs&) { return std::make_unique<Flatten>(); }

std::unique_ptr<Layer> make_activation(const SpecArgs& a) {
  a.require("activation");
  return std::make_unique<Activation>(a.text("activation", "linear"));
}

using Entry = SpecEntry<std::unique_ptr<Layer> (*)(const SpecArgs&)>;
const Entry kLayers[] = {
    {"Conv2D", make_conv2d},   {"BatchNormalization", make_batch_normalization}, {"MaxPooling2D", make_max_pooling2d},
    {"Dense", make_dense},     {"Dropout", make_dropout},                        {"Flatten", make_flatten},
    {"Activation", make_activation},
};

}  // namespace

std::unique_ptr<Layer> layer_from_spec(const json& spec) {
  static const std::vector<std::string> types = entry_names(kLayers);
  PLATEAU_CHECK(spec.is_object() && spec.contains("type") && spec["type"].is_string(),
                "each layer needs a \"type\" (one of ", join(types), "), got ", json_for_message(spec));
  const std::string type = spec["type"].get<std::string>();
  const Entry* e = find_entry(kLayers, type);
  PLATEAU_CHECK(e, "unknown layer type '", printable(type), "' (valid: ", join(types), ")");
  return SpecArgs(spec, type).build([&](const SpecArgs& a) {
    std::unique_ptr<Layer> layer = e->make(a);
    if (const std::string name = a.text("name", ""); !name.empty()) layer->set_name(name);
    if (const std::string dtype = a.text("dtype", ""); !dtype.empty()) layer->set_dtype_policy(dtype);  // Keras' own
    return layer;
  });
}

std::unique_ptr<Sequential> build_model(const json& spec, const Shape& input_shape_keras, uint64_t seed,
                                        const std::string& dtype_policy) {
  if (!dtype_policy.empty()) check_dtype_policy(dtype_policy);
  PLATEAU_CHECK(spec.is_object() && spec.contains("layers") && spec["layers"].is_array(),
                "model spec needs a \"layers\" list");
  auto model = std::make_unique<Sequential>();
  size_t i = 0;
  for (const json& layer : spec["layers"]) {
    try {
      std::unique_ptr<Layer> made = layer_from_spec(layer);
      if (!dtype_policy.empty() && !layer.contains("dtype")) made->set_dtype_policy(dtype_policy);
      model->add(std::move(made));
    } catch (const Error& e) {
      throw Error(cat("model spec layer ", i, ": ", e.what()));
    }
    ++i;
  }
  model->build(keras_to_internal(input_shape_keras), seed);
  return model;
}

}  // namespace plateau
