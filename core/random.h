#pragma once
// Rng: the seeded random stream everything random uses (initializers, dropout masks, shuffling).
// xoshiro256** seeded through splitmix64 (https://prng.di.unimi.it/), written out here so the
// stream is the same on every compiler and standard library, and its state can be saved.

#include <array>
#include <cstdint>

#include "plateau/core/tensor.h"

namespace plateau {

// PyTorch: torch.Generator; Keras: keras.random.SeedGenerator.
// Usage:
//   Rng rng(42);
//   const double u = rng.uniform();                               // [0, 1)
//   const Tensor w = normal_tensor(Shape{3, 3}, 0.0, 0.05, rng);
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);

  uint64_t next_u64();
  double uniform();                         // [0, 1), 53 random bits
  void uniform(double* out, int64_t n);     // n draws of uniform() into out, the same values
  double uniform(double low, double high);  // [low, high)
  double normal(double mean = 0.0, double stddev = 1.0);  // Box-Muller, no cached second value
  uint64_t below(uint64_t n);               // uniform integer in [0, n), unbiased

  // A new independent stream derived from this seed and a stream id (e.g. one per layer).
  static Rng derive(uint64_t seed, uint64_t stream);

  std::array<uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<uint64_t, 4>& s) { s_ = s; }

 private:
  std::array<uint64_t, 4> s_;
};

Tensor uniform_tensor(const Shape& shape, double low, double high, Rng& rng);
Tensor normal_tensor(const Shape& shape, double mean, double stddev, Rng& rng);

}  // namespace plateau
