#pragma once
// Dropout(rate, seed): inverted dropout, active only in training. Its random stream is seeded by
// `seed` when given, else drawn from the model's seed at build time; state() saves it for resume.

#include <cstdint>
#include <optional>

#include "plateau/layers/layer.h"

namespace plateau {

struct DropoutOptions {
  double rate = 0.5;
  std::optional<uint64_t> seed = std::nullopt;
};

// Keras: keras.layers.Dropout; PyTorch: torch.nn.Dropout.
// Usage:
//   Sequential seq;
//   seq.add(Dense({.units = 128, .activation = "relu"})).add(Dropout({.rate = 0.5, .seed = 7}));
class Dropout : public Layer {
 public:
  explicit Dropout(DropoutOptions options);

  std::string type() const override { return "Dropout"; }
  Shape build(const Shape& input, Rng& rng) override;
  nlohmann::json config() const override;
  Variable forward(const Variable& x) override;

  Rng& rng() { return rng_; }
  Rng* random_stream() override { return &rng_; }

 private:
  DropoutOptions options_;
  Rng rng_;
};

}  // namespace plateau
