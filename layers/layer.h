#pragma once
// Layer: a Keras-style layer of a Sequential model. Layers are built lazily, as in Keras: build()
// learns the per-sample input shape, creates the weights with the layer's initializers and
// returns the per-sample output shape. Shapes here exclude the batch axis and are (C,H,W) for
// images, (F) for features.

#include <nlohmann/json.hpp>
#include <string>

#include "plateau/core/random.h"
#include "plateau/layers/dtype_policy.h"
#include "plateau/layers/module.h"

namespace plateau {

// Limits that keep a model spec from outside (a weights file's metadata, a --model file) from asking
// for more memory than plateau will ever train with; checked before the memory is allocated.
inline constexpr int64_t kMaxSampleElements = int64_t{1} << 24;   // one sample's activation: 64 MiB
inline constexpr int64_t kMaxModelParameters = int64_t{1} << 28;  // all parameters of a model: 1 GiB

// Keras: keras.layers.Layer; PyTorch: torch.nn.Module (a leaf one).
// Usage:
//   for (const auto& layer : net.layers())
//     std::printf("%s (%s): %s\n", layer->name().c_str(), layer->type().c_str(), layer->config().dump().c_str());
class Layer : public Module {
 public:
  virtual std::string type() const = 0;  // Keras class name: "Conv2D"
  virtual Shape build(const Shape& input, Rng& rng) = 0;
  virtual nlohmann::json config() const = 0;  // the spec object that rebuilds this layer
  // Name of the activation applied last inside this layer ("linear" when none).
  virtual std::string activation() const { return "linear"; }
  // forward() without a final softmax activation: the logits a fused loss wants.
  virtual Variable forward_without_softmax(const Variable& x) { return forward(x); }

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool built() const { return built_; }
  // The layer's dtype policy (dtype_policy.h): the global one when the layer was made, unless set.
  const std::string& dtype_policy() const { return dtype_policy_; }
  void set_dtype_policy(const std::string& policy);

 protected:
  void mark_built() { built_ = true; }
  void check_built(const char* what) const;
  // The per-sample input shape must have `rank` axes; the error names the layer and the shape.
  void check_input_rank(const Shape& input, int64_t rank, const char* expected) const;
  ops::ComputeType compute_type() const { return compute_type_of(dtype_policy_); }

 private:
  std::string name_;
  bool built_ = false;
  std::string dtype_policy_ = plateau::dtype_policy();
};

}  // namespace plateau
