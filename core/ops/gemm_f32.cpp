#include "plateau/core/ops/gemm_f32.h"

#include <algorithm>
#include <vector>

#include "plateau/core/ops/eigen_view.h"
#include "plateau/core/ops/scratch.h"

namespace plateau::ops {
namespace {

#if defined(__AVX512F__)
constexpr int64_t kRows = 8;      // rows of a result tile: one broadcast value of op(A) each
constexpr int64_t kColumns = 32;  // columns of a result tile: two vectors of B

using rows::first_lanes;

// op(A) (M×K) as panels of 8 rows, each K steps of 8 values: panel p, step k holds op(A)[8p + i][k] for
// i < 8, zero past M.
void pack_left(const float* A, int64_t lda, bool trans_a, int64_t M, int64_t K, float* out) {
  for (int64_t i0 = 0; i0 < M; i0 += kRows) {
    const int64_t rows = std::min(kRows, M - i0);
    if (trans_a) {  // A is K×M: a step's 8 values are adjacent in A's row k
      const __mmask16 lanes = first_lanes(rows);
      for (int64_t k = 0; k < K; ++k, out += kRows)
        _mm256_storeu_ps(out, _mm512_castps512_ps256(_mm512_maskz_loadu_ps(lanes, A + k * lda + i0)));
    } else {
      for (int64_t k = 0; k < K; ++k, out += kRows)
        for (int64_t i = 0; i < kRows; ++i) out[i] = i < rows ? A[(i0 + i) * lda + k] : 0.0f;
    }
  }
}

// Rows [k0, k1) of the 32-column panel of B starting at column j0, as steps of 32 values, zero past N.
void pack_right(const float* B, int64_t ldb, int64_t N, int64_t j0, int64_t k0, int64_t k1, float* out) {
  const __mmask16 lo = first_lanes(N - j0), hi = first_lanes(N - j0 - 16);
  for (int64_t k = k0; k < k1; ++k, out += kColumns) {
    const float* row = B + k * ldb + j0;
    _mm512_storeu_ps(out, _mm512_maskz_loadu_ps(lo, row));
    _mm512_storeu_ps(out + 16, _mm512_maskz_loadu_ps(hi, row + 16));
  }
}

// The same for an OffsetMatrix: each step's 32 values fetched from the row's two column blocks.
void pack_right(const OffsetMatrix& B, int64_t j0, int64_t k0, int64_t k1, float* out) {
  const ColumnBlock lo = column_block(B, j0 / 16), hi = column_block(B, j0 / 16 + 1);
  for (int64_t k = k0; k < k1; ++k, out += kColumns) {
    const float* row = B.base + B.row_offset[k];
    _mm512_storeu_ps(out, block_values(row, lo));
    _mm512_storeu_ps(out + 16, block_values(row, hi));
  }
}

// C's tile of rows × 32 columns (the lanes of lo and hi) += rows of op(A) · a panel of B over K steps, each
// sum going on in order of k: from zero (first) or from the tile's values. Element (i, k) of the tile's rows
// of op(A) is a[i·row_step + k·k_step]; rows past `rows` repeat the last (their sums are not stored).
void tile(const float* a, int64_t row_step, int64_t k_step, const float* b, int64_t K, bool first, float* C,
          int64_t ldc, int64_t rows, __mmask16 lo, __mmask16 hi) {
  int64_t row[kRows];
  for (int64_t i = 0; i < kRows; ++i) row[i] = std::min(i, rows - 1) * row_step;
  __m512 sum[kRows][2];
  for (int64_t i = 0; i < kRows; ++i) {
    const bool load = !first && i < rows;
    sum[i][0] = load ? _mm512_maskz_loadu_ps(lo, C + i * ldc) : _mm512_setzero_ps();
    sum[i][1] = load ? _mm512_maskz_loadu_ps(hi, C + i * ldc + 16) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < K; ++k, a += k_step, b += kColumns) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    for (int64_t i = 0; i < kRows; ++i) {
      const __m512 ai = _mm512_set1_ps(a[row[i]]);
      sum[i][0] = _mm512_fmadd_ps(ai, b0, sum[i][0]);
      sum[i][1] = _mm512_fmadd_ps(ai, b1, sum[i][1]);
    }
  }
  for (int64_t i = 0; i < rows; ++i) {
    _mm512_mask_storeu_ps(C + i * ldc, lo, sum[i][0]);
    _mm512_mask_storeu_ps(C + i * ldc + 16, hi, sum[i][1]);
  }
}

// C (M×N) = op(A) · B, k in blocks of at most kDepth steps (as even as they can be: 576 as 2 × 288): for
// each block, B's panels packed by pack_panel(j0, k0, k1, panel) one at a time (≤ 40 KB: in L1) and
// multiplied by every 8 rows of op(A). A block's sums go on from the last's, so each still runs in order of
// k. (conv2d_2's forward, K = 576: 0.73 -> 0.69 ms.)
constexpr int64_t kDepth = 320;

template <typename PackPanel>
void product(const LeftOperand& A, int64_t N, PackPanel pack_panel, float* C, int64_t ldc) {
  const LeftMatrix& a = A.matrix();
  const int64_t M = a.rows, K = a.depth;
  thread_local std::vector<float> panel_buffer;
  float* panel = at_least(panel_buffer, kDepth * kColumns);
  const int64_t blocks = std::max<int64_t>(1, (K + kDepth - 1) / kDepth);
  const int64_t depth = std::max<int64_t>(1, (K + blocks - 1) / blocks);  // K = 0: one empty block, zeros
  for (int64_t k0 = 0; k0 < std::max<int64_t>(K, 1); k0 += depth) {
    const int64_t k1 = std::min(K, k0 + depth);
    for (int64_t j0 = 0; j0 < N; j0 += kColumns) {
      pack_panel(j0, k0, k1, panel);
      const __mmask16 lo = first_lanes(N - j0), hi = first_lanes(N - j0 - 16);
      for (int64_t i0 = 0; i0 < M; i0 += kRows) {
        const int64_t rows = std::min(kRows, M - i0);
        float* c = C + i0 * ldc + j0;
        if (A.panels()) {
          tile(A.panels() + i0 * K + k0 * kRows, 1, kRows, panel, k1 - k0, k0 == 0, c, ldc, rows, lo, hi);
        } else if (a.trans_a) {
          tile(a.A + k0 * a.lda + i0, 1, a.lda, panel, k1 - k0, k0 == 0, c, ldc, rows, lo, hi);
        } else {
          tile(a.A + i0 * a.lda + k0, a.lda, 1, panel, k1 - k0, k0 == 0, c, ldc, rows, lo, hi);
        }
      }
    }
  }
}

#endif

}  // namespace

bool gemm_f32_sums_in_order() {
#if defined(__AVX512F__)
  return true;
#else
  return false;
#endif
}

LeftOperand::LeftOperand(const LeftMatrix& matrix, [[maybe_unused]] bool pack) : matrix_(matrix) {
#if defined(__AVX512F__)
  if (!pack) return;
  panels_.resize(static_cast<size_t>((matrix.rows + kRows - 1) / kRows * kRows * matrix.depth));
  pack_left(matrix.A, matrix.lda, matrix.trans_a, matrix.rows, matrix.depth, panels_.data());
#endif
}

void gemm_f32(const LeftOperand& A, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc) {
  const LeftMatrix& a = A.matrix();
  const int64_t M = a.rows;
  [[maybe_unused]] const int64_t K = a.depth;  // read by the Eigen path only
  if (M <= 0 || N <= 0) return;
#if defined(__AVX512F__)
  product(A, N, [&](int64_t j0, int64_t k0, int64_t k1, float* panel) { pack_right(B, ldb, N, j0, k0, k1, panel); },
          C, ldc);
#else
  if (a.trans_a) {
    view(C, M, N, ldc).noalias() = view(a.A, K, M, a.lda).transpose() * view(B, K, N, ldb);
  } else {
    view(C, M, N, ldc).noalias() = view(a.A, M, K, a.lda) * view(B, K, N, ldb);
  }
#endif
}

void gemm_f32(const LeftOperand& A, const OffsetMatrix& B, float* C, int64_t ldc) {
  const int64_t M = A.matrix().rows, N = B.columns;
  [[maybe_unused]] const int64_t K = B.rows;  // read by the Eigen path only
  if (M <= 0 || N <= 0) return;
#if defined(__AVX512F__)
  product(A, N, [&](int64_t j0, int64_t k0, int64_t k1, float* panel) { pack_right(B, j0, k0, k1, panel); }, C, ldc);
#else
  thread_local std::vector<float> buffer;  // B written out
  float* b = at_least(buffer, K * N);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t j = 0; j < N; ++j) b[k * N + j] = B(k, j);
  gemm_f32(A, N, b, N, C, ldc);
#endif
}

}  // namespace plateau::ops
