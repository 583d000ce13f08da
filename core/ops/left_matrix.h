#pragma once
// Internal to core/ops: a GEMM's left operand where it is stored (gemm_f32.h, gemm_bf16.h).

#include <cstdint>

namespace plateau::ops {

// op(A) (rows×depth): A (rows×depth, row stride lda), or with trans_a the transpose of A stored
// depth×rows.
struct LeftMatrix {
  const float* A;
  int64_t lda;
  bool trans_a;
  int64_t rows, depth;
};

}  // namespace plateau::ops
