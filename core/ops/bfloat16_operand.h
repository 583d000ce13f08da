#pragma once
// Internal to core/ops: an input of a kernel as the kernel reads it under a compute type: under
// ComputeType::BFloat16 a copy rounded to bfloat16, under Float32 the tensor itself (no copy).

#include <algorithm>

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/tensor.h"

namespace plateau::ops {

class BFloat16Operand {
 public:
  BFloat16Operand(const Tensor& t, ComputeType compute) : tensor_(&t) {
    if (compute != ComputeType::BFloat16 || t.empty()) return;
    rounded_ = Tensor::uninitialized(t.shape());
    for_each_slice(t.numel(), 1 << 16, [&](int64_t, int64_t i0, int64_t i1) {
      std::copy(t.data() + i0, t.data() + i1, rounded_.data() + i0);
      round_to_bfloat16(rounded_.data() + i0, i1 - i0);
    });
    tensor_ = &rounded_;
  }
  const Tensor& operator*() const { return *tensor_; }
  const float* data() const { return tensor_->data(); }

 private:
  Tensor rounded_;
  const Tensor* tensor_;
};

// t rounded to bfloat16 in place under BFloat16 (a result of a bfloat16 kernel); unchanged under Float32.
inline void round_result(Tensor& t, ComputeType compute) {
  if (compute == ComputeType::BFloat16 && !t.empty()) round_to_bfloat16(t.data(), t.numel());
}

}  // namespace plateau::ops
