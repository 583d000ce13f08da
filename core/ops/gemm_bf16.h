#pragma once
// Internal to core/ops: the matrix product of the mixed_bfloat16 policy. Both operands are rounded to
// bfloat16 (bfloat16.h), their products summed in float32: what PyTorch's CPU autocast and Keras'
// mixed_bfloat16 compute for a convolution or a dense layer. One thread; the order of additions depends
// only on the shape, so the result is the same on every run.
//
// Where the CPU has AMX (Intel's tile unit, TDPBF16PS: 16x16 float32 sums of 32 bfloat16 products per
// instruction, about 15 times the float32 FMA rate measured on this machine's cores), the product runs on
// it; elsewhere the rounded operands go through the float32 GEMM, which gives the same products exactly
// (a product of two bfloat16 values fits in a float32) summed in another order. AVX512-BF16's VDPBF16PS
// was measured here at 194 GFLOP/s per core against 210 for float32 FMA: no faster, so it is not used.

#include <cstdint>
#include <vector>

#include "plateau/core/ops/left_matrix.h"
#include "plateau/core/ops/offset_matrix.h"

namespace plateau::ops {

// C (M×N, row stride ldc) = op(A) (M×K) · op(B) (K×N) with both operands rounded to bfloat16 and float32
// sums. op(A) is A (M×K, row stride lda), or with trans_a the transpose of A stored K×M; likewise B.
void gemm_bf16(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
               const float* B, int64_t ldb, float* C, int64_t ldc);

// C (M×N, row stride ldc) = A · op(B), A an OffsetMatrix of M×K and op(B) (K×N) as in gemm_bf16 above; the
// same bits as gemm_bf16 of A written out and B.
void gemm_bf16(const OffsetMatrix& A, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc);

// op(A) as gemm_bf16's left operand, packed into AMX tiles once for many products with the same operand
// (the weights of a convolution, against every group of samples); the same bits as gemm_bf16 of A.
// Without AMX it only points at A.
class Bf16LeftOperand {
 public:
  explicit Bf16LeftOperand(const LeftMatrix& matrix);
  const LeftMatrix& matrix() const { return matrix_; }
  const std::vector<uint32_t>& tiles() const { return tiles_; }  // empty: not packed

 private:
  LeftMatrix matrix_;
  std::vector<uint32_t> tiles_;
};

// C (M×N, row stride ldc) = op(A) · op(B), as gemm_bf16 above.
void gemm_bf16(const Bf16LeftOperand& A, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc);

// C (M×N, row stride ldc) = A · B, B an OffsetMatrix of K×N (A not transposed); as gemm_bf16 above, and
// the same bits as gemm_bf16 of A and B written out.
void gemm_bf16(const Bf16LeftOperand& A, const OffsetMatrix& B, float* C, int64_t ldc);

// Whether gemm_bf16 runs on AMX in this kernel set on this CPU (for plateau profile and the tests).
bool gemm_bf16_uses_amx();

}  // namespace plateau::ops
