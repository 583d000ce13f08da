// The direct kernels for a one-channel first convolution (core/ops/conv2d_one_channel.h) against plain
// loops: forward with bias and ReLU, and the weight and bias gradients through the fused ReLU, at widths
// that need one and two 16-float chunks, filter counts with and without leftovers after blocks of 8, and
// batches that cross a slice.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "plateau/core/ops/conv2d.h"
#include "plateau/core/random.h"

namespace plateau {
namespace {

struct Case {
  int64_t N, H, W, K, R;
};

TEST(Conv2dOneChannel, ForwardAndWeightGradientsMatchPlainLoops) {
  Rng rng(11);
  for (const Case& c : {Case{3, 6, 6, 3, 3}, Case{9, 20, 21, 10, 3}, Case{2, 28, 28, 32, 3}, Case{3, 9, 12, 8, 5}}) {
    const int64_t P = c.H - c.R + 1, Q = c.W - c.R + 1;
    const Tensor x = uniform_tensor({c.N, 1, c.H, c.W}, -1, 1, rng), w = uniform_tensor({c.K, 1, c.R, c.R}, -1, 1, rng);
    const Tensor b = uniform_tensor({c.K}, -0.5, 0.5, rng), dy = uniform_tensor({c.N, c.K, P, Q}, -1, 1, rng);
    const Tensor y = ops::conv2d_forward(x, w, b, {}, /*relu=*/true);
    const auto g = ops::conv2d_backward(dy, x, w, {}, true, /*need_dx=*/false, &y);
    Tensor dw(w.shape()), db(Shape{c.K});
    double worst = 0;
    for (int64_t n = 0; n < c.N; ++n)
      for (int64_t k = 0; k < c.K; ++k)
        for (int64_t i = 0; i < P; ++i)
          for (int64_t j = 0; j < Q; ++j) {
            double sum = 0;
            for (int64_t r = 0; r < c.R; ++r)
              for (int64_t s = 0; s < c.R; ++s) sum += w[(k * c.R + r) * c.R + s] * x[(n * c.H + i + r) * c.W + j + s];
            const double want = std::max(sum + b[k], 0.0);
            const int64_t at = ((n * c.K + k) * P + i) * Q + j;
            worst = std::max(worst, std::abs(want - y[at]));
            if (y[at] <= 0) continue;  // the ReLU's gradient passes where the output is positive
            db[k] += dy[at];
            for (int64_t r = 0; r < c.R; ++r)
              for (int64_t s = 0; s < c.R; ++s)
                dw[(k * c.R + r) * c.R + s] += dy[at] * x[(n * c.H + i + r) * c.W + j + s];
          }
    EXPECT_LE(worst, 1e-5) << c.W;
    for (int64_t i = 0; i < dw.numel(); ++i) EXPECT_NEAR(g.dw[i], dw[i], 1e-4 * (1 + std::abs(dw[i]))) << c.W;
    for (int64_t k = 0; k < c.K; ++k) EXPECT_NEAR(g.db[k], db[k], 1e-4 * (1 + std::abs(db[k]))) << c.W;
    // asking for the input gradient too leaves the weight gradient as it is
    const auto with_dx = ops::conv2d_backward(dy, x, w, {}, true, true, &y);
    for (int64_t i = 0; i < dw.numel(); ++i) ASSERT_EQ(with_dx.dw[i], g.dw[i]);
  }
}

}  // namespace
}  // namespace plateau
