#include "plateau/core/ops/gemm_bf16.h"

#include <algorithm>
#include <vector>

#include "plateau/core/error.h"
#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/eigen_view.h"
#include "plateau/core/ops/scratch.h"
#include "plateau/core/ops/rows.h"

#if defined(__AVX512F__) && defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define PLATEAU_AMX 1
#endif

namespace plateau::ops {
namespace {

// op(X)[i][k] for X stored with row stride ld, transposed or not.
inline float element(const float* X, int64_t ld, bool trans, int64_t i, int64_t k) {
  return trans ? X[k * ld + i] : X[i * ld + k];
}

#ifdef PLATEAU_AMX
constexpr int64_t kTile = 16;   // rows of a tile; also the float32 columns of a result tile
constexpr int64_t kDepth = 32;  // bfloat16 values of a tile row (64 bytes)
constexpr int64_t kBlock = 32;  // the result block of 2x2 tiles

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// AMX needs the CPU (CPUID leaf 7: AMX-BF16 is EDX bit 22, AMX-TILE bit 24; the packing below also uses
// AVX512-BF16's conversions, leaf 7 subleaf 1 EAX bit 5, which every AMX CPU has) and Linux's leave to use
// its 8 KB of tile registers (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, Linux 5.16 and later).
bool amx_available() {
  static const bool available = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    if (!(edx & (1u << 22)) || !(edx & (1u << 24))) return false;
    if (!__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) || !(eax & (1u << 5))) return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return available;
}

// The packed operands are cut into tiles of 16 rows of 16 words (1 KB, contiguous: AMX loads them with a
// 64-byte stride), each word two bfloat16 values, the first in the low half. Left operand (it, kb): rows
// i = 16·it … of op(A), words kp = 16·kb …, word (i, kp) = (op(A)[i][2kp], op(A)[i][2kp+1]). Right
// operand (jt, kb), AMX's "VNNI" layout: rows kp = 16·kb …, words j = 16·jt …, word (kp, j) =
// (op(B)[2kp][j], op(B)[2kp+1][j]). Zero past the matrices' ends.
constexpr int64_t kTileWords = 256;

using rows::first_lanes;

// The packing rounds with AVX512-BF16's VCVTNE2PS2BF16: round to nearest even, as bfloat16_upper, in one
// instruction for 32 values. (It treats denormal inputs as zero, as AMX's TDPBF16PS does with its
// operands anyway, and keeps a NaN's sign and payload where bfloat16_upper makes it canonical.)
#define PLATEAU_BF16_TARGET __attribute__((target("avx512bf16,avx512bw")))

// 16 words (a[c], b[c]), each value rounded.
PLATEAU_BF16_TARGET inline __m512i interleaved(__m512 a, __m512 b) {
  // 16-bit elements a0 … a15, b0 … b15, then interleaved: a0, b0, a1, b1, …
  alignas(64) static const uint16_t zip[32] = {0, 16, 1, 17, 2,  18, 3,  19, 4,  20, 5,  21, 6,  22, 7,  23,
                                               8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  const __m512i both = reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(b, a));
  return _mm512_permutexvar_epi16(_mm512_load_si512(zip), both);
}

// 16 words (lo[c], hi[c]) for c < n from two rows; a null row reads as zeros.
PLATEAU_BF16_TARGET inline __m512i interleaved_words(const float* lo, const float* hi, int64_t n) {
  const __m512 a = lo ? _mm512_maskz_loadu_ps(first_lanes(n), lo) : _mm512_setzero_ps();
  const __m512 b = hi ? _mm512_maskz_loadu_ps(first_lanes(n), hi) : _mm512_setzero_ps();
  return interleaved(a, b);
}

// 16 words (u[2t], u[2t+1]) of the 32 values u0, u1 rounded in order.
PLATEAU_BF16_TARGET inline __m512i adjacent(__m512 u0, __m512 u1) {
  return reinterpret_cast<__m512i>(_mm512_cvtne2ps_pbh(u1, u0));
}

// 16 words (row[2t], row[2t+1]) for the first n ≤ 32 values of a row: the 32 values rounded in order.
PLATEAU_BF16_TARGET inline __m512i adjacent_words(const float* row, int64_t n) {
  return adjacent(_mm512_maskz_loadu_ps(first_lanes(n), row), _mm512_maskz_loadu_ps(first_lanes(n - 16), row + 16));
}

// tile[r][c] = rows[c][r]: the 16 word vectors built along the other axis.
inline void store_transposed(const __m512i rows[16], uint32_t* tile) {
  alignas(64) uint32_t t[16][16];
  for (int c = 0; c < 16; ++c) _mm512_store_si512(t[c], rows[c]);
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c) tile[r * 16 + c] = t[c][r];
}

// Packs op(X) (n×K, or for the right operand K×n) as tiles (t, kb) of 16×16 words: one per 16 of n and 32
// of K. The 16 word vectors of a tile come either from 16 rows of X stored n×K (by_rows: 32 adjacent
// values of a row make 16 words along k) or from 16 pairs of rows of X stored K×n (two rows side by side
// make 16 words along n). The left operand's tile rows run along k and the right's along n, so a tile is
// stored as built or transposed accordingly.
PLATEAU_BF16_TARGET void pack_tiles(const float* X, int64_t ld, bool by_rows, bool right, int64_t n, int64_t K,
                                    int64_t np, int64_t Kp, uint32_t* out) {
  const int64_t blocks = Kp / kDepth;
  for (int64_t t = 0; t < np / kTile; ++t)
    for (int64_t kb = 0; kb < blocks; ++kb) {
      const int64_t i0 = t * kTile, k0 = kb * kDepth;
      __m512i v[16];
      for (int64_t c = 0; c < kTile; ++c) {
        const int64_t k = k0 + 2 * c;
        v[c] = by_rows ? (i0 + c < n ? adjacent_words(X + (i0 + c) * ld + k0, K - k0) : _mm512_setzero_si512())
                       : interleaved_words(k < K ? X + k * ld + i0 : nullptr, k + 1 < K ? X + (k + 1) * ld + i0 : nullptr,
                                           n - i0);
      }
      uint32_t* tile = out + (t * blocks + kb) * kTileWords;
      if (by_rows == right) {
        store_transposed(v, tile);
      } else {
        for (int c = 0; c < 16; ++c) _mm512_storeu_si512(tile + c * 16, v[c]);
      }
    }
}

// pack_tiles for an OffsetMatrix X, its values fetched from X.base: as the right operand X is K×n and a
// tile's word vectors come from pairs of rows (one column block each), as the left operand X is n×K and
// they come from single rows (two column blocks each). Both are stored as built, so the tiles equal
// pack_tiles' of X written out.
PLATEAU_BF16_TARGET void pack_offset_tiles(const OffsetMatrix& X, bool right, int64_t np, int64_t Kp, uint32_t* out) {
  const int64_t n = right ? X.columns : X.rows, K = right ? X.rows : X.columns, blocks = Kp / kDepth;
  thread_local std::vector<ColumnBlock> column_blocks;  // kept between calls
  column_blocks.resize(static_cast<size_t>((right ? np : Kp) / 16));
  for (size_t b = 0; b < column_blocks.size(); ++b) column_blocks[b] = column_block(X, static_cast<int64_t>(b));
  for (int64_t t = 0; t < np / kTile; ++t)
    for (int64_t kb = 0; kb < blocks; ++kb) {
      const int64_t i0 = t * kTile, k0 = kb * kDepth;
      uint32_t* tile = out + (t * blocks + kb) * kTileWords;
      for (int64_t c = 0; c < kTile; ++c) {
        __m512i v = _mm512_setzero_si512();
        if (right) {
          const int64_t k = k0 + 2 * c;
          const ColumnBlock& block = column_blocks[static_cast<size_t>(t)];
          const __m512 lo = k < K ? block_values(X.base + X.row_offset[k], block) : _mm512_setzero_ps();
          const __m512 hi = k + 1 < K ? block_values(X.base + X.row_offset[k + 1], block) : _mm512_setzero_ps();
          v = interleaved(lo, hi);
        } else if (i0 + c < n) {
          const float* row = X.base + X.row_offset[i0 + c];
          v = adjacent(block_values(row, column_blocks[static_cast<size_t>(2 * kb)]),
                       block_values(row, column_blocks[static_cast<size_t>(2 * kb + 1)]));
        }
        _mm512_storeu_si512(tile + c * 16, v);
      }
    }
}

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {};
  uint8_t rows[16] = {};
};

// C (M×N float32, row stride ldc) = Ap · Bp (packed as above, zero up to whole blocks), in 32×32 blocks of
// four result tiles (tmm0-3), two left tiles (tmm4-5) and two right tiles (tmm6-7); k runs in order, 32 at
// a time. A block that C ends inside is stored to a scratch block and its valid part copied.
__attribute__((target("amx-tile,amx-bf16"))) void amx_product(const uint32_t* Ap, const uint32_t* Bp, int64_t M,
                                                               int64_t N, int64_t Kp, float* C, int64_t ldc) {
  TileConfig config;
  for (int t = 0; t < 8; ++t) {
    config.bytes_per_row[t] = 64;
    config.rows[t] = kTile;
  }
  _tile_loadconfig(&config);
  const int64_t blocks = Kp / kDepth;
  alignas(64) float edge[kBlock * kBlock];  // a block that C ends inside goes here first
  for (int64_t i0 = 0; i0 < M; i0 += kBlock)
    for (int64_t j0 = 0; j0 < N; j0 += kBlock) {
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
      const uint32_t* a = Ap + (i0 / kTile) * blocks * kTileWords;  // row tiles i0/16 and i0/16 + 1
      const uint32_t* b = Bp + (j0 / kTile) * blocks * kTileWords;  // column tiles j0/16 and j0/16 + 1
      for (int64_t kb = 0; kb < blocks; ++kb) {
        _tile_loadd(4, a + kb * kTileWords, 64);
        _tile_loadd(5, a + (blocks + kb) * kTileWords, 64);
        _tile_loadd(6, b + kb * kTileWords, 64);
        _tile_loadd(7, b + (blocks + kb) * kTileWords, 64);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
      }
      const bool whole = i0 + kBlock <= M && j0 + kBlock <= N;
      float* c = whole ? C + i0 * ldc + j0 : edge;
      const int64_t ld = whole ? ldc : kBlock;
      _tile_stored(0, c, ld * 4);
      _tile_stored(1, c + kTile, ld * 4);
      _tile_stored(2, c + kTile * ld, ld * 4);
      _tile_stored(3, c + kTile * ld + kTile, ld * 4);
      if (!whole)
        for (int64_t i = i0; i < std::min(M, i0 + kBlock); ++i)
          std::copy(edge + (i - i0) * kBlock, edge + (i - i0) * kBlock + std::min(kBlock, N - j0), C + i * ldc + j0);
    }
  _tile_release();
}

// C (M×N, row stride ldc) = the product on AMX of two operands, each got by left(Mp, Kp, scratch) and
// right(Np, Kp, scratch) with Mp, Np and Kp rounded up to whole blocks: packed into the per-thread
// scratch, or tiles packed already (Bf16LeftOperand).
template <typename Left, typename Right>
void amx_gemm(int64_t M, int64_t N, int64_t K, Left left, Right right, float* C, int64_t ldc) {
  thread_local std::vector<uint32_t> left_scratch, right_scratch;
  const int64_t Mp = round_up(M, kBlock), Np = round_up(N, kBlock), Kp = round_up(K, kDepth);
  const uint32_t* Ap = left(Mp, Kp, left_scratch);
  const uint32_t* Bp = right(Np, Kp, right_scratch);
  amx_product(Ap, Bp, M, N, Kp, C, ldc);
}

// An operand packed into scratch by pack(np, Kp, tiles).
template <typename Pack>
auto packed_into_scratch(Pack pack) {
  return [=](int64_t np, int64_t Kp, std::vector<uint32_t>& buffer) {
    uint32_t* tiles = at_least(buffer, np * Kp / 2);
    pack(np, Kp, tiles);
    return static_cast<const uint32_t*>(tiles);
  };
}

// The packing of op(A) (M×K) as the left operand, and of op(B) (K×N) as the right one.
auto left_operand(const float* A, int64_t lda, bool trans_a, int64_t M, int64_t K) {
  return [=](int64_t Mp, int64_t Kp, uint32_t* tiles) {
    pack_tiles(A, lda, /*by_rows=*/!trans_a, /*right=*/false, M, K, Mp, Kp, tiles);
  };
}
auto right_operand(const float* B, int64_t ldb, bool trans_b, int64_t N, int64_t K) {
  return [=](int64_t Np, int64_t Kp, uint32_t* tiles) {
    pack_tiles(B, ldb, /*by_rows=*/trans_b, /*right=*/true, N, K, Np, Kp, tiles);
  };
}
auto offset_operand(const OffsetMatrix& X, bool right) {
  return [&X, right](int64_t np, int64_t Kp, uint32_t* tiles) { pack_offset_tiles(X, right, np, Kp, tiles); };
}
// A Bf16LeftOperand's tiles, packed already.
auto prepacked(const Bf16LeftOperand& X) {
  return [&X](int64_t, int64_t, std::vector<uint32_t>&) { return X.tiles().data(); };
}
#endif

// The rounded operand (rows×cols, element (i, k) = at(i, k)) as a dense row-major float matrix.
template <typename At>
const float* rounded(int64_t rows, int64_t cols, At at, std::vector<float>& buffer) {
  float* out = at_least(buffer, rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t k = 0; k < cols; ++k) out[i * cols + k] = round_to_bfloat16(at(i, k));
  return out;
}

// Without AMX: C (M×N, row stride ldc) = the float32 GEMM of the rounded operands, element (i, k) of the
// left one a(i, k) and (k, j) of the right one b(k, j). Their products are exact, so only the order of
// the float32 sums differs from AMX's.
template <typename LeftAt, typename RightAt>
void rounded_product(int64_t M, int64_t N, int64_t K, LeftAt a_at, RightAt b_at, float* C, int64_t ldc) {
  thread_local std::vector<float> left, right;
  const float* a = rounded(M, K, a_at, left);
  const float* b = rounded(K, N, b_at, right);
  view(C, M, N, ldc).noalias() = view(a, M, K) * view(b, K, N);
}

// op(X)'s elements, X stored with row stride ld, transposed or not.
auto elements(const float* X, int64_t ld, bool trans) {
  return [=](int64_t i, int64_t k) { return element(X, ld, trans, i, k); };
}

}  // namespace

bool gemm_bf16_uses_amx() {
#ifdef PLATEAU_AMX
  return amx_available();
#else
  return false;
#endif
}

void gemm_bf16(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
               const float* B, int64_t ldb, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
#ifdef PLATEAU_AMX
  if (K > 0 && amx_available())
    return amx_gemm(M, N, K, packed_into_scratch(left_operand(A, lda, trans_a, M, K)),
                    packed_into_scratch(right_operand(B, ldb, trans_b, N, K)), C, ldc);
#endif
  rounded_product(M, N, K, elements(A, lda, trans_a), elements(B, ldb, trans_b), C, ldc);
}

void gemm_bf16(const OffsetMatrix& A, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc) {
  const int64_t M = A.rows, K = A.columns;
  if (M <= 0 || N <= 0) return;
#ifdef PLATEAU_AMX
  if (K > 0 && amx_available())
    return amx_gemm(M, N, K, packed_into_scratch(offset_operand(A, /*right=*/false)),
                    packed_into_scratch(right_operand(B, ldb, trans_b, N, K)), C, ldc);
#endif
  rounded_product(M, N, K, A, elements(B, ldb, trans_b), C, ldc);
}

Bf16LeftOperand::Bf16LeftOperand(const LeftMatrix& matrix) : matrix_(matrix) {
#ifdef PLATEAU_AMX
  if (matrix.rows <= 0 || matrix.depth <= 0 || !amx_available()) return;
  const int64_t Mp = round_up(matrix.rows, kBlock), Kp = round_up(matrix.depth, kDepth);
  tiles_.resize(static_cast<size_t>(Mp * Kp / 2));
  left_operand(matrix.A, matrix.lda, matrix.trans_a, matrix.rows, matrix.depth)(Mp, Kp, tiles_.data());
#endif
}

void gemm_bf16(const Bf16LeftOperand& A, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc) {
  const LeftMatrix& a = A.matrix();
  const int64_t M = a.rows, K = a.depth;
  if (M <= 0 || N <= 0) return;
#ifdef PLATEAU_AMX
  if (!A.tiles().empty())
    return amx_gemm(M, N, K, prepacked(A), packed_into_scratch(right_operand(B, ldb, trans_b, N, K)), C, ldc);
#endif
  gemm_bf16(a.trans_a, trans_b, M, N, K, a.A, a.lda, B, ldb, C, ldc);
}

void gemm_bf16(const Bf16LeftOperand& A, const OffsetMatrix& B, float* C, int64_t ldc) {
  const LeftMatrix& a = A.matrix();
  PLATEAU_CHECK(!a.trans_a, "gemm_bf16: a transposed left operand with an OffsetMatrix");
  const int64_t M = a.rows, N = B.columns, K = B.rows;
  if (M <= 0 || N <= 0) return;
#ifdef PLATEAU_AMX
  if (!A.tiles().empty())
    return amx_gemm(M, N, K, prepacked(A), packed_into_scratch(offset_operand(B, /*right=*/true)), C, ldc);
#endif
  rounded_product(M, N, K, elements(a.A, a.lda, false), B, C, ldc);
}

}  // namespace plateau::ops
