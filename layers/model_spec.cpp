#include "layers/model_spec.h"

#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/json_field.h"
#include "core/spec_args.h"
#include "layers/activation.h"
#include "layers/batch_normalization.h"
#include "layers/conv2d.h"
#include "layers/dense.h"
#include "layers/dropout.h"
#include "layers/flatten.h"
#include "layers/max_pooling2d.h"

namespace plateau {
namespace {

using nlohmann::json;

const std::vector<std::string>& layer_types() {
  static const std::vector<std::string> types{"Conv2D",  "BatchNormalization", "MaxPooling2D", "Dense",
                                              "Dropout", "Flatten",            "Activation"};
  return types;
}

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
  PLATEAU_CHECK(std::filesystem::is_regular_file(model), "--model '", printable(model), "' is neither a named model (",
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

std::unique_ptr<Layer> layer_from_spec(const json& spec) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("type") && spec["type"].is_string(),
                "each layer needs a \"type\" (one of ", join(layer_types()), "), got ", json_for_message(spec));
  const std::string type = spec["type"].get<std::string>();
  std::unique_ptr<Layer> layer;
  if (type == "Conv2D") {
    SpecArgs a(spec, type,
           {"filters", "kernel_size", "strides", "padding", "activation", "use_bias", "kernel_initializer",
            "bias_initializer"});
    a.require("filters");
    a.require("kernel_size");
    layer = std::make_unique<Conv2D>(Conv2DOptions{a.integer("filters", 0), a.pair("kernel_size", {3, 3}),
                                                   a.pair("strides", {1, 1}), a.text("padding", "valid"),
                                                   a.text("activation", "linear"), a.boolean("use_bias", true),
                                                   a.text("kernel_initializer", "glorot_uniform"),
                                                   a.text("bias_initializer", "zeros")});
  } else if (type == "Dense") {
    SpecArgs a(spec, type, {"units", "activation", "use_bias", "kernel_initializer", "bias_initializer"});
    a.require("units");
    layer = std::make_unique<Dense>(DenseOptions{a.integer("units", 0), a.text("activation", "linear"),
                                                 a.boolean("use_bias", true),
                                                 a.text("kernel_initializer", "glorot_uniform"),
                                                 a.text("bias_initializer", "zeros")});
  } else if (type == "BatchNormalization") {
    SpecArgs a(spec, type, {"momentum", "epsilon", "center", "scale"});
    layer = std::make_unique<BatchNormalization>(BatchNormalizationOptions{
        a.number("momentum", 0.99), a.number("epsilon", 1e-3), a.boolean("center", true), a.boolean("scale", true)});
  } else if (type == "MaxPooling2D") {
    SpecArgs a(spec, type, {"pool_size", "strides", "padding"});
    layer = std::make_unique<MaxPooling2D>(
        MaxPooling2DOptions{a.pair("pool_size", {2, 2}), a.pair("strides", {0, 0}), a.text("padding", "valid")});
  } else if (type == "Dropout") {
    SpecArgs a(spec, type, {"rate", "seed"});
    a.require("rate");
    DropoutOptions o{a.number("rate", 0.5), std::nullopt};
    if (a.has("seed")) o.seed = static_cast<uint64_t>(a.integer("seed", 0));
    layer = std::make_unique<Dropout>(o);
  } else if (type == "Flatten") {
    SpecArgs a(spec, type, {});
    layer = std::make_unique<Flatten>();
  } else if (type == "Activation") {
    SpecArgs a(spec, type, {"activation"});
    a.require("activation");
    layer = std::make_unique<Activation>(a.text("activation", "linear"));
  } else {
    throw Error(cat("unknown layer type '", printable(type), "' (valid: ", join(layer_types()), ")"));
  }
  if (spec.contains("name")) {
    PLATEAU_CHECK(spec["name"].is_string(), type, ": name must be a string, got ", json_for_message(spec["name"]));
    layer->set_name(spec["name"].get<std::string>());
  }
  return layer;
}

std::unique_ptr<Sequential> build_model(const json& spec, const Shape& input_shape_keras, uint64_t seed) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("layers") && spec["layers"].is_array(),
                "model spec needs a \"layers\" list");
  auto model = std::make_unique<Sequential>();
  size_t i = 0;
  for (const json& layer : spec["layers"]) {
    try {
      model->add(layer_from_spec(layer));
    } catch (const Error& e) {
      throw Error(cat("model spec layer ", i, ": ", e.what()));
    }
    ++i;
  }
  model->build(keras_to_internal(input_shape_keras), seed);
  return model;
}

}  // namespace plateau
