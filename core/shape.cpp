#include "plateau/core/shape.h"

#include "plateau/core/error.h"

namespace plateau {

Shape::Shape(std::initializer_list<int64_t> dims) : Shape(std::vector<int64_t>(dims)) {}

Shape::Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {
  int64_t n = 1;
  for (int64_t d : dims_) {
    PLATEAU_CHECK(d >= 0, "Shape: negative dimension ", d, " in ", str());
    // Checked once here, so numel() cannot overflow (the dims may come from a file header).
    PLATEAU_CHECK(!__builtin_mul_overflow(n, d, &n), "Shape: ", str(), " has more elements than an int64 holds");
  }
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int64_t d : dims_) n *= d;
  return n;
}

int64_t Shape::operator[](int64_t i) const {
  int64_t j = i < 0 ? i + rank() : i;
  PLATEAU_CHECK(j >= 0 && j < rank(), "Shape: index ", i, " out of range for ", str());
  return dims_[static_cast<size_t>(j)];
}

std::string Shape::str() const {
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(dims_[i]);
  }
  return s + "]";
}

std::ostream& operator<<(std::ostream& out, const Shape& shape) { return out << shape.str(); }

}  // namespace plateau
