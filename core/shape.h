#pragma once
// Shape: the dimensions of a tensor, outermost first (images are N,C,H,W).

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace plateau {

// PyTorch: torch.Size (Keras keeps shapes as tuples, batch axis None).
// Usage:
//   const Shape s{128, 1, 28, 28};
//   const int64_t pixels = s.numel() / s[0];  // 784; s[-1] is 28, s.str() is "[128,1,28,28]"
class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(std::vector<int64_t> dims);

  int64_t rank() const { return static_cast<int64_t>(dims_.size()); }
  int64_t numel() const;                  // product of the dims; 1 for rank 0
  int64_t operator[](int64_t i) const;    // checked; negative i counts from the end
  const std::vector<int64_t>& dims() const { return dims_; }
  std::string str() const;                // "[128,1,28,28]"

  bool operator==(const Shape& other) const { return dims_ == other.dims_; }
  bool operator!=(const Shape& other) const { return dims_ != other.dims_; }

 private:
  std::vector<int64_t> dims_;
};

std::ostream& operator<<(std::ostream& out, const Shape& shape);

}  // namespace plateau
