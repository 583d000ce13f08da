#pragma once
// Internal to core/ops: the float32 matrix product of the convolutions. One thread; each result is the sum
// of its K products in order k = 0, 1, …, one FMA each, so the bits depend on the values alone — not on
// the thread count, the slice or where the matrices lie.
//
// With AVX-512 it is our own kernel, BLIS-style: op(A) in panels of 8 rows, B packed in panels of 32
// columns, and 8×32 results kept in 16 registers over a block of up to 320 steps of K. Its inner loop
// alone runs at ~178 GFLOP/s a core here (83% of the FMA peak measured beside it; other tile shapes do no
// better), ~165 inside the convolutions, where Eigen's GEMM ran their products at ~148; and it writes its
// result once, where Eigen zeroes it first. B can be an OffsetMatrix, packed straight from a convolution's
// input, so the im2col matrix is never written. Without AVX-512, Eigen's GEMM (an OffsetMatrix written
// out first).

#include <cstdint>
#include <vector>

#include "plateau/core/ops/left_matrix.h"
#include "plateau/core/ops/offset_matrix.h"

namespace plateau::ops {

// op(A) as gemm_f32's left operand. With pack (and AVX-512) it is copied once into panels of 8 rows,
// each K steps of 8 values, for an operand that many products share (6% faster on the convolutions'
// weights); otherwise read where it is.
class LeftOperand {
 public:
  LeftOperand(const LeftMatrix& matrix, bool pack);
  const LeftMatrix& matrix() const { return matrix_; }
  const float* panels() const { return panels_.empty() ? nullptr : panels_.data(); }  // null: not packed

 private:
  LeftMatrix matrix_;
  std::vector<float> panels_;
};

// C (M×N, row stride ldc) = op(A) (M×K) · B (K×N, row stride ldb).
void gemm_f32(const LeftOperand& A, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc);

// C (M×N, row stride ldc) = op(A) (M×K) · B, B an OffsetMatrix of K×N; the same bits as gemm_f32 of B
// written out.
void gemm_f32(const LeftOperand& A, const OffsetMatrix& B, float* C, int64_t ldc);

// Whether gemm_f32 is the kernel above (each result the sum of its products in order of k, one FMA each,
// from zero) in this kernel set, rather than Eigen's GEMM: for the tests.
bool gemm_f32_sums_in_order();

}  // namespace plateau::ops
