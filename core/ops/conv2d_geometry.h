#pragma once
// Internal to core/ops: a convolution's sizes, their checks, and how its batch is cut into slices, shared by
// conv2d.cpp and the fused conv2d_batch_norm_max_pool2d.cpp so that both sum the same slices.

#include <algorithm>
#include <cstdint>

#include "plateau/core/error.h"
#include "plateau/core/ops/conv2d.h"

namespace plateau::ops {

struct ConvGeometry {
  int64_t N, C, H, W, K, R, S, P, Q;
  int64_t rows() const { return C * R * S; }  // im2col rows
  int64_t cols() const { return P * Q; }      // im2col columns
};

// Samples per GEMM: im2col of a group of samples side by side gives one wide product, which runs far
// faster than one small product per sample. At least 8 samples and 256 columns (conv3's 3x3 outputs take
// 32 samples). Depends only on the shape: it also fixes the slices of the weight-gradient reduction.
inline int64_t group_size(const ConvGeometry& g) {
  const int64_t samples = (256 + g.cols() - 1) / g.cols();
  return std::max<int64_t>(8, (samples + 7) / 8 * 8);
}

inline ConvGeometry check_conv_shapes(const Tensor& x, const Tensor& w, const Conv2dParams& p, const char* op) {
  PLATEAU_CHECK(x.shape().rank() == 4, op, ": input must be 4-D (N,C,H,W), got shape ", x.shape());
  PLATEAU_CHECK(w.shape().rank() == 4, op, ": weight must be 4-D (K,C,R,S), got shape ", w.shape());
  PLATEAU_CHECK(p.stride_h >= 1 && p.stride_w >= 1, op, ": stride must be positive, got (", p.stride_h, ",",
                p.stride_w, ")");
  PLATEAU_CHECK(p.pad_top >= 0 && p.pad_bottom >= 0 && p.pad_left >= 0 && p.pad_right >= 0, op,
                ": padding must be non-negative, got (top ", p.pad_top, ", bottom ", p.pad_bottom, ", left ",
                p.pad_left, ", right ", p.pad_right, ")");
  ConvGeometry g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 0, 0};
  PLATEAU_CHECK(w.dim(1) == g.C, op, ": input has ", g.C, " channels, weight expects ", w.dim(1), " (input shape ",
                x.shape(), ", weight shape ", w.shape(), ")");
  const int64_t padded_h = g.H + p.pad_top + p.pad_bottom, padded_w = g.W + p.pad_left + p.pad_right;
  PLATEAU_CHECK(g.R <= padded_h && g.S <= padded_w, op, ": kernel ", g.R, "x", g.S, " is larger than the padded input ",
                padded_h, "x", padded_w, " (input shape ", x.shape(), ")");
  g.P = conv_output_size(g.H, g.R, p.stride_h, p.pad_top, p.pad_bottom);
  g.Q = conv_output_size(g.W, g.S, p.stride_w, p.pad_left, p.pad_right);
  return g;
}

inline bool padded(const Conv2dParams& p) { return p.pad_top || p.pad_bottom || p.pad_left || p.pad_right; }

}  // namespace plateau::ops
