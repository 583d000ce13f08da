// The float32 convolution's products (gemm_f32.h): where the kernel set has our own GEMM, each output and
// weight-gradient value is bit for bit the sum of its products in order of k, one FMA each, from zero —
// whatever the tile edges, the packing (written im2col, or read through offsets with loads or gathers)
// or the layout of the left operand. Elsewhere (Eigen's GEMM), within rounding of a double-precision sum.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/random.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

struct Case {
  int64_t N, C, H, W, K;
  int stride, pad;
};

// Sum of x·w over the (c, r, s) of output (n, k, i, j), in that order: fma from zero, or in double.
double conv_sum(const Tensor& x, const Tensor& w, const Case& t, int64_t n, int64_t k, int64_t i, int64_t j, bool fma) {
  float f = 0.0f;
  double d = 0.0;
  for (int64_t c = 0; c < t.C; ++c)
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t s = 0; s < 3; ++s) {
        const int64_t h = i * t.stride - t.pad + r, v = j * t.stride - t.pad + s;
        const float xv = h < 0 || h >= t.H || v < 0 || v >= t.W ? 0.0f : x[((n * t.C + c) * t.H + h) * t.W + v];
        const float wv = w[((k * t.C + c) * 3 + r) * 3 + s];
        f = std::fma(wv, xv, f);
        d += double(wv) * xv;
      }
  return fma ? f : d;
}

TEST(Conv2dFloat32, SumsInOrderOfK) {
  // 13 filters (one full tile of 8 rows and a part), output rows of 11 and 5 columns, groups of columns
  // that end inside a tile; stride 2 spreads a tile's 16 columns past 32 floats (gathers); 36 channels
  // make K = 324 steps, summed in two blocks
  const Case cases[] = {
      {3, 2, 13, 13, 13, 1, 0}, {5, 3, 9, 11, 13, 2, 0}, {2, 2, 7, 9, 13, 1, 1}, {2, 36, 5, 6, 9, 1, 0}};
  for (const char* set : ops::kernel_sets()) {
    if (!ops::cpu_runs(set)) continue;
    const ops::KernelTable& kernels = ops::kernel_table(set);
    const bool in_order = kernels.float32_sums_in_order();
    for (const Case& t : cases) {
      SCOPED_TRACE(std::string(set) + " stride " + std::to_string(t.stride) + " pad " + std::to_string(t.pad));
      Rng rng(11);
      const Tensor x = uniform_tensor({t.N, t.C, t.H, t.W}, -1, 1, rng);
      const Tensor w = uniform_tensor({t.K, t.C, 3, 3}, -1, 1, rng);
      const ops::Conv2dParams p{t.stride, t.stride, t.pad, t.pad, t.pad, t.pad};
      const Tensor y = kernels.conv2d_forward(x, w, Tensor(), p, false);
      const int64_t P = y.shape()[2], Q = y.shape()[3];
      for (int64_t n = 0; n < t.N; ++n)
        for (int64_t k = 0; k < t.K; ++k)
          for (int64_t i = 0; i < P; ++i)
            for (int64_t j = 0; j < Q; ++j) {
              const float got = y[((n * t.K + k) * P + i) * Q + j];
              const std::string at = std::to_string(n) + " " + std::to_string(k) + " " + std::to_string(i) + " " +
                                     std::to_string(j);
              if (in_order) {
                ASSERT_EQ(got, static_cast<float>(conv_sum(x, w, t, n, k, i, j, true))) << at;
              } else {
                ASSERT_NEAR(got, conv_sum(x, w, t, n, k, i, j, false), 1e-5) << at;
              }
            }
      // The weight gradient: each value the sum of dy·x over the batch's columns in order (the batch is one
      // group of samples: one slice, no sum of parts).
      if (t.pad) continue;  // the padded weight gradient is Eigen's (im2col written out)
      const Tensor dy = uniform_tensor(y.shape(), -1, 1, rng);
      const auto g = kernels.conv2d_backward(dy, x, w, p, false, true, nullptr);
      for (int64_t k = 0; k < t.K; ++k)
        for (int64_t c = 0; c < t.C; ++c)
          for (int64_t r = 0; r < 3; ++r)
            for (int64_t s = 0; s < 3; ++s) {
              float f = 0.0f;
              double d = 0.0;
              for (int64_t n = 0; n < t.N; ++n)
                for (int64_t i = 0; i < P; ++i)
                  for (int64_t j = 0; j < Q; ++j) {
                    const float dyv = dy[((n * t.K + k) * P + i) * Q + j];
                    const float xv = x[((n * t.C + c) * t.H + i * t.stride + r) * t.W + j * t.stride + s];
                    f = std::fma(dyv, xv, f);
                    d += double(dyv) * xv;
                  }
              const float got = g.dw[((k * t.C + c) * 3 + r) * 3 + s];
              if (in_order) {
                ASSERT_EQ(got, f) << k << " " << c << " " << r << " " << s;
              } else {
                ASSERT_NEAR(got, d, 1e-4) << k << " " << c << " " << r << " " << s;
              }
            }
      // dx = col2im(wᵀ·dy): against double sums, the col2im order being its own
      for (int64_t n = 0; n < t.N; ++n)
        for (int64_t c = 0; c < t.C; ++c)
          for (int64_t h = 0; h < t.H; ++h)
            for (int64_t v = 0; v < t.W; ++v) {
              double d = 0.0;
              for (int64_t k = 0; k < t.K; ++k)
                for (int64_t r = 0; r < 3; ++r)
                  for (int64_t s = 0; s < 3; ++s) {
                    const int64_t hi = h - r, vj = v - s;
                    if (hi < 0 || vj < 0 || hi % t.stride || vj % t.stride || hi / t.stride >= P || vj / t.stride >= Q)
                      continue;
                    d += double(w[((k * t.C + c) * 3 + r) * 3 + s]) *
                         dy[((n * t.K + k) * P + hi / t.stride) * Q + vj / t.stride];
                  }
              ASSERT_NEAR(g.dx[((n * t.C + c) * t.H + h) * t.W + v], d, 1e-4) << n << " " << c << " " << h << " " << v;
            }
    }
  }
}

}  // namespace
}  // namespace plateau
