#include "plateau/core/tensor.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "plateau/core/error.h"

namespace plateau {
namespace {

constexpr size_t kAlign = 64;

// glibc serves blocks of 128 KiB and more with mmap and returns them on free, so every training step
// would fault in fresh zeroed pages for its activations; keeping them in the heap lets the next step
// reuse them.
[[maybe_unused]] const bool kMallocTuned = [] {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return true;
}();

float* allocate(int64_t numel) {
  PLATEAU_CHECK(numel <= kMaxTensorElements, "Tensor: ", numel, " elements is more than the limit of ",
                kMaxTensorElements, " for one tensor");
  size_t bytes = static_cast<size_t>(numel) * sizeof(float);
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  if (bytes == 0) bytes = kAlign;  // a zero-size tensor still owns a (tiny) buffer
  void* p = std::aligned_alloc(kAlign, bytes);
  PLATEAU_CHECK(p != nullptr, "Tensor: cannot allocate ", bytes, " bytes");
  return static_cast<float*>(p);
}

}  // namespace

void Tensor::Free::operator()(float* p) const { std::free(p); }

Tensor::Tensor(Shape shape, float fill_value)
    : shape_(std::move(shape)), numel_(shape_.numel()), data_(allocate(numel_)) {
  fill(fill_value);
}

Tensor::Tensor(Shape shape, const std::vector<float>& values)
    : shape_(std::move(shape)), numel_(shape_.numel()), data_(allocate(numel_)) {
  PLATEAU_CHECK(static_cast<int64_t>(values.size()) == numel_, "Tensor: shape ", shape_, " needs ", numel_,
                " values, got ", values.size());
  std::memcpy(data_.get(), values.data(), values.size() * sizeof(float));
}

Tensor Tensor::uninitialized(Shape shape) {
  Tensor t;
  t.shape_ = std::move(shape);
  t.numel_ = t.shape_.numel();
  t.data_.reset(allocate(t.numel_));
  return t;
}

Tensor::Tensor(const Tensor& other) : shape_(other.shape_), numel_(other.numel_) {
  if (other.data_) {
    data_.reset(allocate(numel_));
    std::memcpy(data_.get(), other.data_.get(), static_cast<size_t>(numel_) * sizeof(float));
  }
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this != &other) {
    Tensor copy(other);
    *this = std::move(copy);
  }
  return *this;
}

float Tensor::item() const {
  PLATEAU_CHECK(numel_ == 1 && data_, "Tensor::item: tensor has ", numel_, " elements (shape ", shape_,
                "), expected 1");
  return data_.get()[0];
}

Tensor Tensor::reshaped(Shape shape) const {
  PLATEAU_CHECK(shape.numel() == numel_, "reshape: cannot reshape ", shape_, " (", numel_, " elements) to ", shape,
                " (", shape.numel(), " elements)");
  Tensor out(*this);
  out.shape_ = std::move(shape);
  return out;
}

void Tensor::fill(float value) {
  float* p = data_.get();
  for (int64_t i = 0; i < numel_; ++i) p[i] = value;
}

std::vector<float> Tensor::to_vector() const {
  if (!data_) return {};
  return std::vector<float>(data_.get(), data_.get() + numel_);
}

bool identical(const Tensor& a, const Tensor& b) {
  if (a.shape() != b.shape()) return false;
  if (a.numel() == 0) return true;
  return std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

}  // namespace plateau
