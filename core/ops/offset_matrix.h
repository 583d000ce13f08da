#pragma once
// Internal to core/ops: a matrix read through offsets, and (with AVX-512) the fetch of 16 of its columns
// from one row, for the GEMMs' packing (gemm_f32.h, gemm_bf16.h).

#include <cstdint>

#if defined(__AVX512F__)
#include <immintrin.h>

#include "plateau/core/ops/rows.h"
#endif

namespace plateau::ops {

// A matrix read through offsets: element (i, j) = base[row_offset[i] + column_offset[j]]. An unpadded
// convolution's im2col matrix is one (row (c, r, s) at (c·H + r)·W + s, column (n, i, q) at
// n·C·H·W + i·stride_h·W + q·stride_w), so a product can pack it straight from the input, without
// writing the im2col matrix first.
struct OffsetMatrix {
  const float* base;
  const int32_t* row_offset;     // rows entries
  const int32_t* column_offset;  // columns entries
  int64_t rows, columns;
  float operator()(int64_t i, int64_t j) const { return base[row_offset[i] + column_offset[j]]; }
};

#if defined(__AVX512F__)
// 16 consecutive columns [16b, 16b + 16) of an OffsetMatrix, as the packing reads them from any row. Where
// their offsets lie within 32 floats of the smallest (an im2col matrix's do where the input rows are short
// and the columns stay in one sample), two loads and a permutation fetch them; elsewhere a gather does.
struct ColumnBlock {
  __m512i offset;      // the columns' offsets (lanes past the matrix's end: 0)
  __m512i from_start;  // offset − start, for the permutation
  int32_t start;       // the smallest offset
  int32_t span;        // largest − smallest + 1: the floats the two loads must read
  __mmask16 lanes;     // the columns inside the matrix
};

inline ColumnBlock column_block(const OffsetMatrix& X, int64_t b) {
  ColumnBlock block;
  block.lanes = rows::first_lanes(X.columns - 16 * b);
  block.offset = _mm512_maskz_loadu_epi32(block.lanes, X.column_offset + 16 * b);
  if (!block.lanes) return ColumnBlock{block.offset, block.offset, 0, 0, 0};
  block.start = _mm512_mask_reduce_min_epi32(block.lanes, block.offset);
  block.span = _mm512_mask_reduce_max_epi32(block.lanes, block.offset) - block.start + 1;
  block.from_start = _mm512_sub_epi32(block.offset, _mm512_set1_epi32(block.start));
  return block;
}

// row[offset of column j] for the block's columns, zeros past the matrix's end.
inline __m512 block_values(const float* row, const ColumnBlock& block) {
  if (block.span > 32) return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), block.lanes, block.offset, row, 4);
  const float* window = row + block.start;  // masked loads: nothing past the span is read
  const __m512 lo = _mm512_maskz_loadu_ps(rows::first_lanes(block.span), window);
  const __m512 hi = _mm512_maskz_loadu_ps(rows::first_lanes(block.span - 16), window + 16);
  return _mm512_maskz_permutex2var_ps(block.lanes, lo, block.from_start, hi);
}
#endif

}  // namespace plateau::ops
