#include "core/ops/max_pool2d.h"

#include <limits>

#include "core/error.h"
#include "core/ops/conv2d.h"
#include "core/ops/parallel.h"

namespace plateau::ops {

MaxPool2dResult max_pool2d_forward(const Tensor& x, const MaxPool2dParams& p) {
  PLATEAU_CHECK(x.shape().rank() == 4, "max_pool2d: input must be 4-D (N,C,H,W), got shape ", x.shape());
  PLATEAU_CHECK(p.pool_h >= 1 && p.pool_w >= 1, "max_pool2d: pool size must be positive, got (", p.pool_h, ",",
                p.pool_w, ")");
  PLATEAU_CHECK(p.stride_h >= 1 && p.stride_w >= 1, "max_pool2d: stride must be positive, got (", p.stride_h, ",",
                p.stride_w, ")");
  PLATEAU_CHECK(p.pad_top >= 0 && p.pad_bottom >= 0 && p.pad_left >= 0 && p.pad_right >= 0 &&
                    p.pad_top < p.pool_h && p.pad_bottom < p.pool_h && p.pad_left < p.pool_w &&
                    p.pad_right < p.pool_w,
                "max_pool2d: padding (top ", p.pad_top, ", bottom ", p.pad_bottom, ", left ", p.pad_left, ", right ",
                p.pad_right, ") must be non-negative and smaller than the pool ", p.pool_h, "x", p.pool_w);
  const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  PLATEAU_CHECK(p.pool_h <= H + p.pad_top + p.pad_bottom && p.pool_w <= W + p.pad_left + p.pad_right,
                "max_pool2d: pool ", p.pool_h, "x", p.pool_w, " is larger than the padded input ",
                H + p.pad_top + p.pad_bottom, "x", W + p.pad_left + p.pad_right, " (input shape ", x.shape(), ")");
  const int64_t P = conv_output_size(H, p.pool_h, p.stride_h, p.pad_top, p.pad_bottom);
  const int64_t Q = conv_output_size(W, p.pool_w, p.stride_w, p.pad_left, p.pad_right);
  MaxPool2dResult r{Tensor::uninitialized(Shape{N, C, P, Q}), std::vector<int32_t>(static_cast<size_t>(N * C * P * Q))};
  const bool unpadded = p.pad_top == 0 && p.pad_bottom == 0 && p.pad_left == 0 && p.pad_right == 0;
  if (unpadded && p.pool_h == 2 && p.pool_w == 2 && p.stride_h == 2 && p.stride_w == 2) {
    // The CNN's case, 2x2 windows with stride 2: two input rows give one output row.
    for_each_slice(N * C, 16, [&](int64_t, int64_t plane0, int64_t plane1) {
      for (int64_t plane = plane0; plane < plane1; ++plane) {
        const float* in = x.data() + plane * H * W;
        float* out = r.y.data() + plane * P * Q;
        int32_t* arg = r.argmax.data() + plane * P * Q;
        for (int64_t i = 0; i < P; ++i) {
          const float* top = in + 2 * i * W;
          const float* bottom = top + W;
          const int32_t base = static_cast<int32_t>(2 * i * W);
          for (int64_t j = 0; j < Q; ++j) {
            // row-major window order, first maximum wins, NaN propagates
            float best = top[2 * j];
            int32_t at = base + static_cast<int32_t>(2 * j);
            const float candidates[3] = {top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1]};
            const int32_t where[3] = {at + 1, at + static_cast<int32_t>(W), at + static_cast<int32_t>(W) + 1};
            for (int k = 0; k < 3; ++k) {
              const bool take = candidates[k] > best || (candidates[k] != candidates[k] && best == best);
              best = take ? candidates[k] : best;
              at = take ? where[k] : at;
            }
            out[i * Q + j] = best;
            arg[i * Q + j] = at;
          }
        }
      }
    });
    return r;
  }
  for_each_slice(N * C, 16, [&](int64_t, int64_t plane0, int64_t plane1) {
    for (int64_t plane = plane0; plane < plane1; ++plane) {
      const float* in = x.data() + plane * H * W;
      float* out = r.y.data() + plane * P * Q;
      int32_t* arg = r.argmax.data() + plane * P * Q;
      for (int64_t i = 0; i < P; ++i)
        for (int64_t j = 0; j < Q; ++j) {
          const int64_t h0 = i * p.stride_h - p.pad_top, w0 = j * p.stride_w - p.pad_left;
          float best = -std::numeric_limits<float>::infinity();
          int64_t best_at = -1;
          if (unpadded) {  // every window lies inside the input: no bounds checks
            best_at = h0 * W + w0;
            best = in[best_at];
            for (int64_t a = 0; a < p.pool_h; ++a)
              for (int64_t b = 0; b < p.pool_w; ++b) {
                const int64_t at = (h0 + a) * W + w0 + b;
                const float v = in[at];
                const bool take = v > best || v != v;  // first maximum wins; NaN propagates
                best = take ? v : best;                // selects, not branches: maxima are unpredictable
                best_at = take ? at : best_at;
              }
          } else {
            for (int64_t a = 0; a < p.pool_h; ++a) {
              const int64_t h = h0 + a;
              if (h < 0 || h >= H) continue;
              for (int64_t b = 0; b < p.pool_w; ++b) {
                const int64_t w = w0 + b;
                if (w < 0 || w >= W) continue;
                const float v = in[h * W + w];
                if (best_at < 0 || v > best || v != v) {
                  best = v;
                  best_at = h * W + w;
                }
              }
            }
          }
          out[i * Q + j] = best;
          arg[i * Q + j] = static_cast<int32_t>(best_at);
        }
    }
  });
  return r;
}

Tensor max_pool2d_backward(const Tensor& dy, const std::vector<int32_t>& argmax, const Shape& x_shape) {
  PLATEAU_CHECK(x_shape.rank() == 4 && dy.shape().rank() == 4 && dy.dim(0) == x_shape[0] && dy.dim(1) == x_shape[1],
                "max_pool2d_backward: dy shape ", dy.shape(), " does not match input shape ", x_shape);
  PLATEAU_CHECK(static_cast<int64_t>(argmax.size()) == dy.numel(), "max_pool2d_backward: ", argmax.size(),
                " argmax entries for dy of shape ", dy.shape());
  const int64_t planes = x_shape[0] * x_shape[1], plane_in = x_shape[2] * x_shape[3];
  const int64_t plane_out = dy.dim(2) * dy.dim(3);
  Tensor dx(x_shape);
  for_each_slice(planes, 16, [&](int64_t, int64_t plane0, int64_t plane1) {
    for (int64_t plane = plane0; plane < plane1; ++plane) {
      float* d = dx.data() + plane * plane_in;
      for (int64_t k = 0; k < plane_out; ++k) d[argmax[plane * plane_out + k]] += dy[plane * plane_out + k];
    }
  });
  return dx;
}

}  // namespace plateau::ops
