#include "core/ops/conv2d.h"

#include <vector>

#include "core/error.h"
#include "core/ops/eigen_view.h"
#include "core/ops/parallel.h"

namespace plateau::ops {
namespace {

constexpr int64_t kSampleSlice = 8;  // samples per slice of the weight-gradient reduction

struct Geometry {
  int64_t N, C, H, W, K, R, S, P, Q;
  int64_t rows() const { return C * R * S; }  // im2col rows
  int64_t cols() const { return P * Q; }      // im2col columns
};

Geometry check_shapes(const Tensor& x, const Tensor& w, const Conv2dParams& p, const char* op) {
  PLATEAU_CHECK(x.shape().rank() == 4, op, ": input must be 4-D (N,C,H,W), got shape ", x.shape());
  PLATEAU_CHECK(w.shape().rank() == 4, op, ": weight must be 4-D (K,C,R,S), got shape ", w.shape());
  PLATEAU_CHECK(p.stride_h >= 1 && p.stride_w >= 1, op, ": stride must be positive, got (", p.stride_h, ",",
                p.stride_w, ")");
  PLATEAU_CHECK(p.pad_top >= 0 && p.pad_bottom >= 0 && p.pad_left >= 0 && p.pad_right >= 0, op,
                ": padding must be non-negative, got (top ", p.pad_top, ", bottom ", p.pad_bottom, ", left ",
                p.pad_left, ", right ", p.pad_right, ")");
  Geometry g{x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3), 0, 0};
  PLATEAU_CHECK(w.dim(1) == g.C, op, ": input has ", g.C, " channels, weight expects ", w.dim(1), " (input shape ",
                x.shape(), ", weight shape ", w.shape(), ")");
  const int64_t padded_h = g.H + p.pad_top + p.pad_bottom, padded_w = g.W + p.pad_left + p.pad_right;
  PLATEAU_CHECK(g.R <= padded_h && g.S <= padded_w, op, ": kernel ", g.R, "x", g.S, " is larger than the padded input ",
                padded_h, "x", padded_w, " (input shape ", x.shape(), ")");
  g.P = conv_output_size(g.H, g.R, p.stride_h, p.pad_top, p.pad_bottom);
  g.Q = conv_output_size(g.W, g.S, p.stride_w, p.pad_left, p.pad_right);
  return g;
}

// col (C·R·S, P·Q) <- one sample x_n (C,H,W); rows ordered (c, r, s) to match w (K, C·R·S).
void im2col(const float* x_n, const Geometry& g, const Conv2dParams& p, float* col) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t r = 0; r < g.R; ++r)
      for (int64_t s = 0; s < g.S; ++s) {
        float* row = col + ((c * g.R + r) * g.S + s) * g.cols();
        for (int64_t i = 0; i < g.P; ++i) {
          const int64_t h = i * p.stride_h - p.pad_top + r;
          float* out = row + i * g.Q;
          if (h < 0 || h >= g.H) {
            for (int64_t j = 0; j < g.Q; ++j) out[j] = 0.0f;
            continue;
          }
          const float* in = x_n + (c * g.H + h) * g.W;
          for (int64_t j = 0; j < g.Q; ++j) {
            const int64_t v = j * p.stride_w - p.pad_left + s;
            out[j] = (v >= 0 && v < g.W) ? in[v] : 0.0f;
          }
        }
      }
}

// dx_n (C,H,W) += scatter of dcol (C·R·S, P·Q); the inverse of im2col.
void col2im(const float* dcol, const Geometry& g, const Conv2dParams& p, float* dx_n) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t r = 0; r < g.R; ++r)
      for (int64_t s = 0; s < g.S; ++s) {
        const float* row = dcol + ((c * g.R + r) * g.S + s) * g.cols();
        for (int64_t i = 0; i < g.P; ++i) {
          const int64_t h = i * p.stride_h - p.pad_top + r;
          if (h < 0 || h >= g.H) continue;
          float* out = dx_n + (c * g.H + h) * g.W;
          for (int64_t j = 0; j < g.Q; ++j) {
            const int64_t v = j * p.stride_w - p.pad_left + s;
            if (v >= 0 && v < g.W) out[v] += row[i * g.Q + j];
          }
        }
      }
}

}  // namespace

int64_t conv_output_size(int64_t in, int64_t kernel, int stride, int pad_before, int pad_after) {
  return (in + pad_before + pad_after - kernel) / stride + 1;
}

Tensor conv2d_forward(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
  const Geometry g = check_shapes(x, w, p, "conv2d");
  const bool has_bias = !b.empty();
  if (has_bias)
    PLATEAU_CHECK(b.shape() == Shape({g.K}), "conv2d: bias has shape ", b.shape(), ", expected [", g.K, "]");
  Tensor y(Shape{g.N, g.K, g.P, g.Q});
  for_each_slice(g.N, 1, [&](int64_t n, int64_t, int64_t) {
    std::vector<float> col(static_cast<size_t>(g.rows() * g.cols()));
    im2col(x.data() + n * g.C * g.H * g.W, g, p, col.data());
    auto y_n = view(y.data() + n * g.K * g.cols(), g.K, g.cols());
    y_n.noalias() = view(w.data(), g.K, g.rows()) * view(col.data(), g.rows(), g.cols());
    if (has_bias) y_n.colwise() += view(b.data(), g.K, 1).col(0);
  });
  return y;
}

Conv2dGrads conv2d_backward(const Tensor& dy, const Tensor& x, const Tensor& w, const Conv2dParams& p, bool has_bias,
                            bool need_dx) {
  const Geometry g = check_shapes(x, w, p, "conv2d_backward");
  PLATEAU_CHECK(dy.shape() == Shape({g.N, g.K, g.P, g.Q}), "conv2d_backward: dy has shape ", dy.shape(),
                ", expected [", g.N, ",", g.K, ",", g.P, ",", g.Q, "]");
  Conv2dGrads grads{need_dx ? Tensor(x.shape()) : Tensor(), Tensor(w.shape()), has_bias ? Tensor(Shape{g.K}) : Tensor()};
  const size_t slices = static_cast<size_t>(slice_count(g.N, kSampleSlice));
  std::vector<Tensor> dw_parts(slices, Tensor(w.shape()));
  std::vector<Tensor> db_parts(has_bias ? slices : 0, Tensor(Shape{g.K}));
  const auto w_mat = view(w.data(), g.K, g.rows());
  for_each_slice(g.N, kSampleSlice, [&](int64_t s, int64_t n0, int64_t n1) {
    std::vector<float> col(static_cast<size_t>(g.rows() * g.cols()));
    auto dw_part = view(dw_parts[s].data(), g.K, g.rows());
    for (int64_t n = n0; n < n1; ++n) {
      const auto dy_n = view(dy.data() + n * g.K * g.cols(), g.K, g.cols());
      im2col(x.data() + n * g.C * g.H * g.W, g, p, col.data());
      dw_part.noalias() += dy_n * view(col.data(), g.rows(), g.cols()).transpose();
      if (has_bias) view(db_parts[s].data(), g.K, 1) += dy_n.rowwise().sum();
      if (need_dx) {
        view(col.data(), g.rows(), g.cols()).noalias() = w_mat.transpose() * dy_n;
        col2im(col.data(), g, p, grads.dx.data() + n * g.C * g.H * g.W);
      }
    }
  });
  add_in_order(dw_parts, grads.dw);
  if (has_bias) add_in_order(db_parts, grads.db);
  return grads;
}

}  // namespace plateau::ops
