#pragma once
// Tensor: a float32 value type. Copy is deep, move is O(1). Contiguous row-major (images N,C,H,W),
// storage aligned to 64 bytes. Eigen stays behind this API: only the library's .cpp files map it.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plateau/core/shape.h"

namespace plateau {

// The most elements one tensor may hold (8 GiB of float32): a larger shape is an Error before any
// allocation, so a size read from a hostile file can never reach the allocator.
inline constexpr int64_t kMaxTensorElements = (int64_t{1} << 31) - 1;

// PyTorch: a contiguous float32 torch.Tensor without autograd (Variable adds that).
// Usage:
//   Tensor x(Shape{2, 3}, 0.5f);                             // filled with 0.5
//   const Tensor y(Shape{2}, std::vector<float>{1.0f, 2.0f});
//   const Tensor z = x.reshaped(Shape{3, 2});                // a copy; numel must match
class Tensor {
 public:
  Tensor() = default;  // empty: rank 0 shape with no storage
  explicit Tensor(Shape shape, float fill = 0.0f);
  Tensor(Shape shape, const std::vector<float>& values);  // values.size() must equal numel
  // Storage left unset, for kernel outputs that write every element.
  static Tensor uninitialized(Shape shape);

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&& other) noexcept = default;
  Tensor& operator=(Tensor&& other) noexcept = default;

  const Shape& shape() const { return shape_; }
  int64_t numel() const { return numel_; }
  int64_t dim(int64_t i) const { return shape_[i]; }
  bool empty() const { return data_ == nullptr; }

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  float& operator[](int64_t i) { return data_.get()[i]; }
  float operator[](int64_t i) const { return data_.get()[i]; }
  float item() const;  // the single value of a one-element tensor

  Tensor reshaped(Shape shape) const;  // throws naming both shapes when numel differs
  void fill(float value);
  std::vector<float> to_vector() const;

 private:
  struct Free {
    void operator()(float* p) const;
  };
  Shape shape_;
  int64_t numel_ = 0;
  std::unique_ptr<float, Free> data_;
};

// Named tensors in order: a module's parameters and buffers, an optimizer's slots, a file's tensors.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

// True when both have the same shape and the same bytes.
bool identical(const Tensor& a, const Tensor& b);

}  // namespace plateau
