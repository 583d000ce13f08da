#include "plateau/layers/sequential.h"

#include <map>

#include "plateau/core/error.h"
#include "plateau/layers/batch_normalization.h"
#include "plateau/layers/conv2d.h"
#include "plateau/layers/max_pooling2d.h"

namespace plateau {
namespace {

// "MaxPooling2D" -> "max_pooling2d", "BatchNormalization" -> "batch_normalization" (Keras' snake case)
std::string snake_case(const std::string& type) {
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      const bool after_lower = i > 0 && std::islower(static_cast<unsigned char>(type[i - 1]));
      if (after_lower) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Sequential& Sequential::add(std::unique_ptr<Layer> layer) {
  PLATEAU_CHECK(output_shapes_.empty(), "Sequential: cannot add a layer after the model was built");
  if (layer->name().empty()) {
    const std::string base = snake_case(layer->type());
    int count = 0;
    for (const auto& l : layers_)
      if (l->type() == layer->type()) ++count;
    layer->set_name(count == 0 ? base : base + "_" + std::to_string(count));
  }
  register_child(std::to_string(layers_.size()), layer.get());
  layers_.push_back(std::move(layer));
  return *this;
}

void Sequential::build(const Shape& input, uint64_t seed) {
  PLATEAU_CHECK(output_shapes_.empty(), "Sequential: the model is already built");
  PLATEAU_CHECK(!layers_.empty(), "Sequential: the model has no layers");
  PLATEAU_CHECK(input.numel() <= kMaxSampleElements, "Sequential: an input of shape ", input, " has ", input.numel(),
                " elements a sample, more than the limit of ", kMaxSampleElements);
  input_shape_ = input;
  Shape shape = input;
  int64_t parameters = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Rng rng = Rng::derive(seed, i);
    try {
      shape = layers_[i]->build(shape, rng);
      PLATEAU_CHECK(shape.numel() <= kMaxSampleElements, "its output of shape ", shape, " has ", shape.numel(),
                    " elements a sample, more than the limit of ", kMaxSampleElements);
      parameters += layers_[i]->parameter_count();
      PLATEAU_CHECK(parameters <= kMaxModelParameters, "the model has ", parameters,
                    " parameters up to here, more than the limit of ", kMaxModelParameters);
    } catch (const Error& e) {
      output_shapes_.clear();
      throw Error(cat("layer ", i, " (", layers_[i]->name(), "): ", e.what()));
    }
    output_shapes_.push_back(shape);
  }
  steps_.clear();
  if (fuses_first_three()) steps_.push_back({0, 3});
  for (size_t i = steps_.empty() ? 0 : 3; i < layers_.size(); ++i) {
    const bool on_images = output_shapes_[i].rank() == 3;
    const auto* pool = i + 1 < layers_.size() ? dynamic_cast<const MaxPooling2D*>(layers_[i + 1].get()) : nullptr;
    if (on_images && dynamic_cast<const BatchNormalization*>(layers_[i].get()) && pool &&
        ops::windows_disjoint(pool->params())) {
      steps_.push_back({i, 2});
      ++i;
    } else {
      steps_.push_back({i, 1});
    }
  }
}

bool Sequential::fuses_first_three() const {
  if (layers_.size() < 3) return false;
  const auto* conv = dynamic_cast<const Conv2D*>(layers_[0].get());
  const auto* pool = dynamic_cast<const MaxPooling2D*>(layers_[2].get());
  if (!conv || !dynamic_cast<const BatchNormalization*>(layers_[1].get()) || !pool) return false;
  std::vector<int64_t> batch{1};  // a batch of one sample: the check looks at channels and sizes
  batch.insert(batch.end(), input_shape_.dims().begin(), input_shape_.dims().end());
  return BatchNormalization::fuses_after(*conv, Shape(batch), pool->params());
}

Variable Sequential::forward(const Variable& x) {
  PLATEAU_CHECK(!output_shapes_.empty(), "Sequential: build() the model before calling it");
  Variable h = x;
  for (const Step& step : steps_) h = forward_step(step, h);
  return h;
}

Variable Sequential::forward_logits(const Variable& x) {
  PLATEAU_CHECK(!output_shapes_.empty(), "Sequential: build() the model before calling it");
  Variable h = x;
  for (size_t i = 0; i < steps_.size(); ++i) h = forward_step(steps_[i], h, i + 1 == steps_.size());
  return h;
}

Variable Sequential::forward_step(const Step& step, const Variable& x, bool without_softmax) {
  Layer& first = *layers_[step.first];
  if (step.count == 3)
    return static_cast<BatchNormalization&>(*layers_[step.first + 1])
        .forward_after_conv_then_max_pool(static_cast<Conv2D&>(first), x,
                                          static_cast<const MaxPooling2D&>(*layers_[step.first + 2]).params());
  if (step.count == 2)
    return static_cast<BatchNormalization&>(first).forward_then_max_pool(
        x, static_cast<const MaxPooling2D&>(*layers_[step.first + 1]).params());
  return without_softmax ? first.forward_without_softmax(x) : first.forward(x);
}

bool Sequential::ends_with_softmax() const { return !layers_.empty() && layers_.back()->activation() == "softmax"; }

nlohmann::json Sequential::spec() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : layers_) {
    nlohmann::json c = l->config();
    if (l->dtype_policy() != "float32") c["dtype"] = l->dtype_policy();
    layers.push_back(std::move(c));
  }
  nlohmann::json j{{"layers", layers}};
  if (input_shape_.rank() > 0) j["input_shape"] = internal_to_keras(input_shape_).dims();
  return j;
}

Shape keras_to_internal(const Shape& s) {
  if (s.rank() == 3) return {s[2], s[0], s[1]};
  PLATEAU_CHECK(s.rank() == 1, "input shape must be (height, width, channels) or (features), got ", s);
  return s;
}

Shape internal_to_keras(const Shape& s) {
  if (s.rank() == 3) return {s[1], s[2], s[0]};
  return s;
}

}  // namespace plateau
