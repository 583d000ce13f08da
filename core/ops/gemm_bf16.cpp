#include "plateau/core/ops/gemm_bf16.h"

#include <algorithm>
#include <vector>

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/eigen_view.h"

#if defined(__AVX512F__) && defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define PLATEAU_AMX 1
#endif

namespace plateau::ops {
namespace {

// Per-thread scratch, kept between calls: a training step allocates it once.
template <typename T>
T* scratch(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

// op(X)[i][k] for X stored with row stride ld, transposed or not.
inline float element(const float* X, int64_t ld, bool trans, int64_t i, int64_t k) {
  return trans ? X[k * ld + i] : X[i * ld + k];
}

#ifdef PLATEAU_AMX
constexpr int64_t kTile = 16;   // rows of a tile; also the float32 columns of a result tile
constexpr int64_t kDepth = 32;  // bfloat16 values of a tile row (64 bytes)
constexpr int64_t kBlock = 32;  // the result block of 2x2 tiles

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// AMX needs the CPU (CPUID leaf 7: AMX-BF16 is EDX bit 22, AMX-TILE bit 24) and Linux's leave to use its
// 8 KB of tile registers (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, Linux 5.16 and later).
bool amx_available() {
  static const bool available = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
    if (!(edx & (1u << 22)) || !(edx & (1u << 24))) return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return available;
}

// The two bfloat16 values (lo, hi) in one 32-bit word, lo in the low half: AMX's pair layout.
inline uint32_t pair(float lo, float hi) {
  return static_cast<uint32_t>(bfloat16_bits(lo)) | (static_cast<uint32_t>(bfloat16_bits(hi)) << 16);
}

// A as AMX wants its left operand: Mp×Kp bfloat16 row-major, zero past M and K. Stored as pairs of k.
void pack_left(bool trans, const float* A, int64_t lda, int64_t M, int64_t K, int64_t Mp, int64_t Kp, uint32_t* out) {
  const int64_t pairs = Kp / 2;
  for (int64_t i = 0; i < Mp; ++i)
    for (int64_t kp = 0; kp < pairs; ++kp) {
      const int64_t k = 2 * kp;
      const float lo = i < M && k < K ? element(A, lda, trans, i, k) : 0.0f;
      const float hi = i < M && k + 1 < K ? element(A, lda, trans, i, k + 1) : 0.0f;
      out[i * pairs + kp] = pair(lo, hi);
    }
}

// B as AMX wants its right operand ("VNNI" layout): Kp/2 rows of Np words, word (kp, j) holding
// op(B)[2kp][j] and op(B)[2kp+1][j]; zero past K and N.
void pack_right(bool trans, const float* B, int64_t ldb, int64_t K, int64_t N, int64_t Kp, int64_t Np, uint32_t* out) {
  for (int64_t kp = 0; kp < Kp / 2; ++kp) {
    const int64_t k = 2 * kp;
    uint32_t* row = out + kp * Np;
    if (!trans && k + 1 < K) {  // two rows of B side by side: the loop vectorizes
      const float* r0 = B + k * ldb;
      const float* r1 = r0 + ldb;
      for (int64_t j = 0; j < N; ++j) row[j] = pair(r0[j], r1[j]);
    } else {
      for (int64_t j = 0; j < N; ++j)
        row[j] = pair(k < K ? element(B, ldb, trans, k, j) : 0.0f, k + 1 < K ? element(B, ldb, trans, k + 1, j) : 0.0f);
    }
    std::fill(row + N, row + Np, 0u);
  }
}

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {};
  uint8_t rows[16] = {};
};

// Cp (Mp×Np float32, row stride ldc) = Ap · Bp, in 32×32 blocks of four result tiles (tmm0-3), two left
// tiles (tmm4-5) and two right tiles (tmm6-7); k runs in order, 32 at a time.
__attribute__((target("amx-tile,amx-bf16"))) void amx_product(const uint32_t* Ap, const uint32_t* Bp, int64_t Mp,
                                                               int64_t Np, int64_t Kp, float* Cp, int64_t ldc) {
  TileConfig config;
  for (int t = 0; t < 8; ++t) {
    config.bytes_per_row[t] = 64;
    config.rows[t] = kTile;
  }
  _tile_loadconfig(&config);
  const int64_t a_stride = Kp * 2, b_stride = Np * 4, c_stride = ldc * 4;  // bytes
  for (int64_t i0 = 0; i0 < Mp; i0 += kBlock)
    for (int64_t j0 = 0; j0 < Np; j0 += kBlock) {
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
      for (int64_t k0 = 0; k0 < Kp; k0 += kDepth) {
        const uint32_t* a = Ap + i0 * (Kp / 2) + k0 / 2;
        const uint32_t* b = Bp + (k0 / 2) * Np + j0;
        _tile_loadd(4, a, a_stride);
        _tile_loadd(5, a + kTile * (Kp / 2), a_stride);
        _tile_loadd(6, b, b_stride);
        _tile_loadd(7, b + kTile, b_stride);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
      }
      float* c = Cp + i0 * ldc + j0;
      _tile_stored(0, c, c_stride);
      _tile_stored(1, c + kTile, c_stride);
      _tile_stored(2, c + kTile * ldc, c_stride);
      _tile_stored(3, c + kTile * ldc + kTile, c_stride);
    }
  _tile_release();
}

void amx_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
              int64_t ldb, float* C, int64_t ldc) {
  thread_local std::vector<uint32_t> left, right;
  thread_local std::vector<float> result;
  const int64_t Mp = round_up(M, kBlock), Np = round_up(N, kBlock), Kp = round_up(K, kDepth);
  uint32_t* Ap = scratch(left, Mp * Kp / 2);
  uint32_t* Bp = scratch(right, Kp / 2 * Np);
  pack_left(trans_a, A, lda, M, K, Mp, Kp, Ap);
  pack_right(trans_b, B, ldb, K, N, Kp, Np, Bp);
  if (Mp == M && Np == N) {  // whole blocks: the tiles go straight to C
    amx_product(Ap, Bp, Mp, Np, Kp, C, ldc);
    return;
  }
  float* Cp = scratch(result, Mp * Np);
  amx_product(Ap, Bp, Mp, Np, Kp, Cp, Np);
  for (int64_t i = 0; i < M; ++i) std::copy(Cp + i * Np, Cp + i * Np + N, C + i * ldc);
}
#endif

// The rounded operand op(X) (rows×cols) as a dense row-major float matrix.
const float* rounded(const float* X, int64_t ld, bool trans, int64_t rows, int64_t cols, std::vector<float>& buffer) {
  float* out = scratch(buffer, rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t k = 0; k < cols; ++k) out[i * cols + k] = round_to_bfloat16(element(X, ld, trans, i, k));
  return out;
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
  if (K > 0 && amx_available()) {
    amx_gemm(trans_a, trans_b, M, N, K, A, lda, B, ldb, C, ldc);
    return;
  }
#endif
  thread_local std::vector<float> left, right;
  const float* a = rounded(A, lda, trans_a, M, K, left);
  const float* b = rounded(B, ldb, trans_b, K, N, right);
  Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>> c(C, M, N, Eigen::OuterStride<>(ldc));
  c.noalias() = view(a, M, K) * view(b, K, N);
}

}  // namespace plateau::ops
