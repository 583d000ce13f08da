#include "plateau/core/ops/conv2d.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/ops/bfloat16_operand.h"
#include "plateau/core/ops/conv2d_geometry.h"
#include "plateau/core/ops/conv2d_one_channel.h"
#include "plateau/core/ops/eigen_view.h"
#include "plateau/core/ops/gemm_bf16.h"
#include "plateau/core/ops/gemm_f32.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/ops/rows.h"
#include "plateau/core/ops/scratch.h"

namespace plateau::ops {
namespace {

bool bf16(const Conv2dParams& p) { return p.compute == ComputeType::BFloat16; }

// The output columns j whose input column j·stride + offset lies inside [0, W): [lo, hi).
struct ColumnRange {
  int64_t lo, hi;
};
ColumnRange valid_columns(int64_t Q, int64_t W, int stride, int64_t offset) {
  ColumnRange r{0, Q};
  while (r.lo < Q && r.lo * stride + offset < 0) ++r.lo;
  while (r.hi > r.lo && (r.hi - 1) * stride + offset >= W) --r.hi;
  return r;
}

// Stride 1, no padding, images at most 16 wide: the shape of rows.h's block copies (conv2 and conv3).
[[maybe_unused]] bool narrow_valid(const ConvGeometry& g, const Conv2dParams& p) {
  return p.stride_h == 1 && p.stride_w == 1 && !padded(p) && g.W <= 16;
}

// col (C·R·S, ld) columns [offset, offset + P·Q) <- one sample x_n (C,H,W); rows ordered (c, r, s)
// to match w (K, C·R·S). Padding reads as zero; with stride 1 each output row is one contiguous copy.
void im2col(const float* x_n, const ConvGeometry& g, const Conv2dParams& p, float* col, int64_t ld, int64_t offset) {
#if defined(__AVX512F__)
  if (narrow_valid(g, p)) {  // each (c, r, s) block: P rows of Q contiguous input values
    for (int64_t c = 0; c < g.C; ++c)
      for (int64_t r = 0; r < g.R; ++r)
        for (int64_t s = 0; s < g.S; ++s)
          rows::gather_block(x_n + (c * g.H + r) * g.W + s, g.W, g.P, g.Q, col + ((c * g.R + r) * g.S + s) * ld + offset);
    return;
  }
#endif
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t r = 0; r < g.R; ++r)
      for (int64_t s = 0; s < g.S; ++s) {
        float* row = col + ((c * g.R + r) * g.S + s) * ld + offset;
        const int64_t shift = s - p.pad_left;  // input column of output column j: j·stride_w + shift
        const ColumnRange cols = valid_columns(g.Q, g.W, p.stride_w, shift);
        for (int64_t i = 0; i < g.P; ++i) {
          const int64_t h = i * p.stride_h - p.pad_top + r;
          float* out = row + i * g.Q;
          if (h < 0 || h >= g.H) {
            std::fill_n(out, g.Q, 0.0f);
            continue;
          }
          const float* in = x_n + (c * g.H + h) * g.W;
          std::fill_n(out, cols.lo, 0.0f);
          if (p.stride_w == 1) {
            rows::copy(in + cols.lo + shift, cols.hi - cols.lo, out + cols.lo);
          } else {
            for (int64_t j = cols.lo; j < cols.hi; ++j) out[j] = in[j * p.stride_w + shift];
          }
          std::fill(out + cols.hi, out + g.Q, 0.0f);
        }
      }
}

// Samples whose input-gradient columns (C·R·S × P·Q each) are computed together. A group's columns of up to
// 1 MB stay in L2 beside the step's other buffers until col2im has read them; larger ones (conv2d_1's
// 1.1 MB for 8 samples) spilled, and go in parts of at most 256 KB. Depends on the shape alone.
int64_t dx_part_samples(const ConvGeometry& g) {
  const int64_t per_sample = g.rows() * g.cols(), group = group_size(g);
  if (per_sample * group <= (int64_t{1} << 18)) return group;
  return std::max<int64_t>(1, (int64_t{1} << 16) / per_sample);
}

// An unpadded convolution's products read the im2col matrix through offsets (offset_matrix.h) instead of
// writing it: the packing gathers the values straight from x. 32-bit offsets. (Without AVX-512, gemm_f32
// would write the matrix out element by element: float32 keeps im2col's row copies there.)
bool gathers_im2col(const ConvGeometry& g, const Conv2dParams& p) {
#if !defined(__AVX512F__)
  if (p.compute == ComputeType::Float32) return false;
#endif
  return !padded(p) && group_size(g) * g.C * g.H * g.W <= std::numeric_limits<int32_t>::max();
}

// The offsets of the im2col matrix (C·R·S, group·P·Q) of a group of samples, an OffsetMatrix:
// row (c, r, s) at (c·H + r)·W + s, column (n, i, q) at n·C·H·W + i·stride_h·W + q·stride_w. Made once per
// call; a slice of fewer samples than the group reads the first of the columns.
struct Im2colOffsets {
  std::vector<int32_t> row, column;
  OffsetMatrix of(const float* x_n0, int64_t columns) const {
    return {x_n0, row.data(), column.data(), static_cast<int64_t>(row.size()), columns};
  }
  // its transpose (group·P·Q, C·R·S), the right operand of float32's weight gradient dy · colᵀ
  OffsetMatrix transposed_of(const float* x_n0, int64_t columns) const {
    return {x_n0, column.data(), row.data(), columns, static_cast<int64_t>(row.size())};
  }
};

Im2colOffsets im2col_offsets(const ConvGeometry& g, const Conv2dParams& p) {
  Im2colOffsets o;
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t r = 0; r < g.R; ++r)
      for (int64_t s = 0; s < g.S; ++s) o.row.push_back(static_cast<int32_t>((c * g.H + r) * g.W + s));
  for (int64_t n = 0; n < group_size(g); ++n)
    for (int64_t i = 0; i < g.P; ++i)
      for (int64_t q = 0; q < g.Q; ++q)
        o.column.push_back(static_cast<int32_t>(n * g.C * g.H * g.W + i * p.stride_h * g.W + q * p.stride_w));
  return o;
}

// The weights, or their transpose, packed once per call as the left operand of every slice's products, in
// the layer's compute type: gemm_f32's panels or gemm_bf16's AMX tiles.
class PackedWeights {
 public:
  PackedWeights(const LeftMatrix& w, ComputeType compute) {
    if (compute == ComputeType::BFloat16) {
      bf16_.emplace(w);
    } else {
      f32_.emplace(w, /*pack=*/true);
    }
  }
  // C (rows of w × N, row stride ldc) = op(w) · B, B (K×N) read through offsets or with row stride ldb
  void times(const OffsetMatrix& B, float* C, int64_t ldc) const {
    if (bf16_) return gemm_bf16(*bf16_, B, C, ldc);
    gemm_f32(*f32_, B, C, ldc);
  }
  void times(int64_t N, const float* B, int64_t ldb, float* C, int64_t ldc) const {
    if (bf16_) return gemm_bf16(*bf16_, false, N, B, ldb, C, ldc);
    gemm_f32(*f32_, N, B, ldb, C, ldc);
  }

 private:
  std::optional<LeftOperand> f32_;
  std::optional<Bf16LeftOperand> bf16_;
};

// dx_n (C,H,W) = scatter of dcol (C·R·S, ld) columns [offset, offset + P·Q); the inverse of im2col. Under
// bfloat16 the sums are rounded (rows.h: before they are stored, where it can).
void col2im(const float* dcol, const ConvGeometry& g, const Conv2dParams& p, float* dx_n, int64_t ld, int64_t offset) {
#if defined(__AVX512F__)
  if (narrow_valid(g, p)) {
    // Input row h gathers the S shifted rows i = h − r of each block (c, r, ·), r ascending, in a register,
    // and is stored once: every row is covered (H = P + R − 1), so dx_n needs no zeroing first.
    const __mmask16 mw = rows::first_lanes(g.W);
    __mmask16 lanes[16];
    rows::shifted_lanes(g.S, g.Q, g.W, lanes);
    auto add_rows = [&](auto S) {  // S: g.S, as a compile-time constant for 3×3 kernels (the loop over s unrolled)
      for (int64_t c = 0; c < g.C; ++c)
        for (int64_t h = 0; h < g.H; ++h) {
          __m512 acc = _mm512_setzero_ps();
          for (int64_t r = std::max<int64_t>(0, h - g.P + 1); r <= std::min<int64_t>(g.R - 1, h); ++r)
            acc = rows::add_shifted_rows(acc, dcol + (c * g.R + r) * S * ld + offset + (h - r) * g.Q, ld, S, lanes);
          _mm512_mask_storeu_ps(dx_n + (c * g.H + h) * g.W, mw, bf16(p) ? round_to_bfloat16(acc) : acc);
        }
    };
    if (g.S == 3) {
      add_rows(std::integral_constant<int64_t, 3>{});
    } else {
      add_rows(g.S);
    }
    return;
  }
#endif
  std::fill_n(dx_n, g.C * g.H * g.W, 0.0f);
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t r = 0; r < g.R; ++r)
      for (int64_t s = 0; s < g.S; ++s) {
        const float* row = dcol + ((c * g.R + r) * g.S + s) * ld + offset;
        const int64_t shift = s - p.pad_left;
        const ColumnRange cols = valid_columns(g.Q, g.W, p.stride_w, shift);
        for (int64_t i = 0; i < g.P; ++i) {
          const int64_t h = i * p.stride_h - p.pad_top + r;
          if (h < 0 || h >= g.H) continue;
          float* out = dx_n + (c * g.H + h) * g.W;
          const float* in = row + i * g.Q;
          if (p.stride_w == 1) {
            rows::add(in + cols.lo, cols.hi - cols.lo, out + cols.lo + shift);
          } else {
            for (int64_t j = cols.lo; j < cols.hi; ++j) out[j * p.stride_w + shift] += in[j];
          }
        }
      }
  if (bf16(p)) round_to_bfloat16(dx_n, g.C * g.H * g.W);
}

// Per-thread scratch buffers, kept between calls so a training step allocates them only once.
// Tensors, so they are 64-byte aligned whatever the thread.
float* scratch(int which, int64_t size) {
  thread_local Tensor buffers[3];
  return at_least(buffers[which], size);
}

}  // namespace

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p, bool relu) {
  const ConvGeometry g = check_conv_shapes(x, w, p, "conv2d");
  const bool has_bias = !b.empty();
  if (has_bias)
    PLATEAU_CHECK(b.shape() == Shape({g.K}), "conv2d: bias has shape ", b.shape(), ", expected [", g.K, "]");
  Tensor y = Tensor::uninitialized(Shape{g.N, g.K, g.P, g.Q});
  const BFloat16Operand bias(b, p.compute);  // bfloat16: the bias is rounded too, as autocast rounds every input
  if (direct::one_channel_direct(g.C, g.R, g.S, p.stride_h, p.stride_w, padded(p))) {
    // bfloat16: the float32 sums of the rounded operands' products, which are exact, rounded as stored
    const BFloat16Operand xr(x, p.compute), wr(w, p.compute);
    direct::forward(xr.data(), wr.data(), has_bias ? bias.data() : nullptr, relu, bf16(p), g.N, g.H, g.W, g.K, g.R,
                    g.S, y.data());
    return y;
  }
  const int64_t PQ = g.cols(), CHW = g.C * g.H * g.W;
  // Groups restart at each shard (batch_split.h): a sample's output comes from a product of the same
  // shape, and so the same bits, however the batch is spread over processes.
  const bool gathered = gathers_im2col(g, p);
  const Im2colOffsets offsets = gathered ? im2col_offsets(g, p) : Im2colOffsets{};
  const PackedWeights weights({w.data(), g.rows(), false, g.K, g.rows()}, p.compute);  // w (K, C·R·S)
  for_each_sample_slice(sample_slices(g.N, group_size(g)), [&](int64_t, int64_t n0, int64_t n1) {
    const int64_t cols = (n1 - n0) * PQ;
    float* out = scratch(1, g.K * cols);
    if (gathered) {
      weights.times(offsets.of(x.data() + n0 * CHW, cols), out, cols);
    } else {
      float* col = scratch(0, g.rows() * cols);
      for (int64_t n = n0; n < n1; ++n) im2col(x.data() + n * CHW, g, p, col, cols, (n - n0) * PQ);
      weights.times(cols, col, cols, out, cols);
    }
    for (int64_t n = n0; n < n1; ++n)  // (K, group·PQ) -> y[n] (K, PQ), with bias and ReLU fused
      for (int64_t k = 0; k < g.K; ++k) {
        const float add = has_bias ? (*bias)[k] : 0.0f;
        const float* src = out + k * cols + (n - n0) * PQ;
        float* dst = y.data() + (n * g.K + k) * PQ;
        rows::add_bias(src, PQ, add, relu, bf16(p), dst);
      }
  });
  return y;
}

Conv2dGrads conv2d_backward(const Tensor& dy, const Tensor& x, const Tensor& w, const Conv2dParams& p, bool has_bias,
                            bool need_dx, const Tensor* relu_output) {
  const ConvGeometry g = check_conv_shapes(x, w, p, "conv2d_backward");
  PLATEAU_CHECK(dy.shape() == Shape({g.N, g.K, g.P, g.Q}), "conv2d_backward: dy has shape ", dy.shape(),
                ", expected [", g.N, ",", g.K, ",", g.P, ",", g.Q, "]");
  if (relu_output)
    PLATEAU_CHECK(relu_output->shape() == dy.shape(), "conv2d_backward: ReLU output has shape ", relu_output->shape(),
                  ", dy has ", dy.shape());
  // dx is written sample by sample by col2im, in parallel; dw and db by the sums of their parts below
  Conv2dGrads grads{need_dx ? Tensor::uninitialized(x.shape()) : Tensor(), Tensor::uninitialized(w.shape()),
                    has_bias ? Tensor::uninitialized(Shape{g.K}) : Tensor()};
  // The weight gradient sums over samples: per slice of samples, then over slices in order (batch_split.h).
  const std::vector<SampleSlice> slices = sample_slices(g.N, group_size(g));
  std::vector<Tensor> dw_parts, db_parts;  // one per slice, each written whole by its slice
  for (size_t s = 0; s < slices.size(); ++s) {
    dw_parts.push_back(Tensor::uninitialized(w.shape()));
    if (has_bias) db_parts.push_back(Tensor::uninitialized(Shape{g.K}));
  }
  // a one-channel first layer's weight gradient comes from the direct kernel; im2col + GEMM otherwise
  const bool direct_weights = direct::one_channel_direct(g.C, g.R, g.S, p.stride_h, p.stride_w, padded(p));
  // otherwise the weight gradient's im2col matrix is written out, or read through offsets (gathers_im2col)
  const bool gathered = !direct_weights && gathers_im2col(g, p);
  const Im2colOffsets offsets = gathered ? im2col_offsets(g, p) : Im2colOffsets{};
  if (direct_weights) {
    const BFloat16Operand xr(x, p.compute);  // dy is rounded as the kernel reads it
    for_each_sample_slice(slices, [&](int64_t s, int64_t n0, int64_t n1) {
      direct::backward_weights(dy.data(), xr.data(), relu_output ? relu_output->data() : nullptr, bf16(p), n0, n1,
                               g.H, g.W, g.K, g.R, g.S, dw_parts[s].data(), has_bias ? db_parts[s].data() : nullptr);
    });
  }
  const int64_t PQ = g.cols(), CHW = g.C * g.H * g.W;
  std::optional<PackedWeights> wt;  // wᵀ (C·R·S, K), for every part's input gradient
  if (need_dx) wt.emplace(LeftMatrix{w.data(), g.rows(), true, g.rows(), g.K}, p.compute);
  if (!direct_weights || need_dx)
    for_each_sample_slice(slices, [&](int64_t s, int64_t n0, int64_t n1) {
      const int64_t cols = (n1 - n0) * PQ;
      float* col = direct_weights || gathered ? nullptr : scratch(0, g.rows() * cols);
      float* dyg = scratch(1, g.K * cols);
      for (int64_t n = n0; n < n1; ++n) {
        if (col) im2col(x.data() + n * CHW, g, p, col, cols, (n - n0) * PQ);
        for (int64_t k = 0; k < g.K; ++k) {  // dy[n] (K, PQ) -> (K, group·PQ)
          const float* src = dy.data() + (n * g.K + k) * PQ;
          float* dst = dyg + k * cols + (n - n0) * PQ;
          // bfloat16: rounded, and the bias gradient sums the rounded dy too
          rows::copy_gradient(src, relu_output ? relu_output->data() + (n * g.K + k) * PQ : nullptr, PQ, bf16(p), dst);
        }
      }
      const auto dy_g = view(dyg, g.K, cols);
      if (!direct_weights) {
        if (bf16(p)) {
          // dwᵀ = col · dyᵀ: the large col is then the left operand, packed without a transpose. The parts
          // hold dwᵀ (C·R·S, K), summed as they are and transposed once below.
          float* dwt = dw_parts[s].data();
          if (gathered) {
            gemm_bf16(offsets.of(x.data() + n0 * CHW, cols), true, g.K, dyg, cols, dwt, g.K);
          } else {
            gemm_bf16(false, true, g.rows(), g.K, cols, col, cols, dyg, cols, dwt, g.K);
          }
        } else if (gathered) {  // dw (K, C·R·S) = dy (K, cols) · colᵀ, dy read where it is
          const LeftOperand dy_op({dyg, cols, false, g.K, cols}, /*pack=*/false);
          gemm_f32(dy_op, offsets.transposed_of(x.data() + n0 * CHW, cols), dw_parts[s].data(), g.rows());
        } else {
          view(dw_parts[s].data(), g.K, g.rows()).noalias() = dy_g * view(col, g.rows(), cols).transpose();
        }
        if (has_bias)  // an explicit loop: Eigen's reductions vectorize differently with the buffer's alignment
          for (int64_t k = 0; k < g.K; ++k) db_parts[s][k] = static_cast<float>(sum_fixed_order(dyg + k * cols, cols));
      }
      if (need_dx) {
        // dcol = wᵀ·dy a few samples at a time, each part scattered by col2im while it is still in the cache
        // (a sample's dx needs only its own columns; the part's size depends on the shape alone)
        const int64_t part = dx_part_samples(g);
        float* dcol = scratch(2, g.rows() * part * PQ);
        for (int64_t m0 = n0; m0 < n1; m0 += part) {
          const int64_t m1 = std::min(n1, m0 + part), part_cols = (m1 - m0) * PQ;
          const float* dy_part = dyg + (m0 - n0) * PQ;  // columns of dyg, row stride cols
          wt->times(part_cols, dy_part, cols, dcol, part_cols);
          for (int64_t n = m0; n < m1; ++n) {
            float* dx_n = grads.dx.data() + n * CHW;
            col2im(dcol, g, p, dx_n, part_cols, (n - m0) * PQ);
          }
        }
      }
    });
  if (bf16(p) && !direct_weights) {  // the parts hold dwᵀ (C·R·S, K): summed as they are, then transposed
    Tensor dwt = Tensor::uninitialized(Shape{g.rows(), g.K});
    sum_slice_parts(dw_parts, dwt);
    // dw (K, C·R·S): 16 rows of it per slice, read from dwᵀ in blocks of 16×16 that stay in the cache
    for_each_slice(g.K, 16, [&](int64_t, int64_t k0, int64_t k1) {
      for (int64_t i0 = 0; i0 < g.rows(); i0 += 16)
        for (int64_t k = k0; k < k1; ++k)
          for (int64_t i = i0; i < std::min(g.rows(), i0 + 16); ++i) grads.dw[k * g.rows() + i] = dwt[i * g.K + k];
    });
  } else {
    sum_slice_parts(dw_parts, grads.dw);
  }
  if (has_bias) sum_slice_parts(db_parts, grads.db);
  round_result(grads.dw, p.compute);  // the whole batch's sums, then one rounding (autocast's bfloat16 weight gradient)
  round_result(grads.db, p.compute);
  return grads;
}

}  // namespace plateau::ops
