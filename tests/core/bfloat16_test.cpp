// The mixed_bfloat16 kernels: rounding to bfloat16, convolution and dense layer forward and backward against
// PyTorch's CPU autocast (fixtures from tests/fixtures/make_bfloat16_fixtures.py) and against the exact sums
// of the rounded operands (a gradient check in float64). Run once per kernel set (tests/CMakeLists.txt):
// AMX where the CPU has it, the float32 GEMM on the rounded operands elsewhere.
//
// Tolerance, one bfloat16 step (tests/support/bfloat16_step.h): sums in different orders differ by a few
// float32 roundings (2^-24 of the terms' size each), far below a bfloat16 step (2^-8 to 2^-7 of the
// value); they round to the same bfloat16 value except when they straddle a rounding boundary, and then
// to neighbours one step apart. So each element must be within one step of the oracle, and almost all
// must be equal to it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "plateau/core/ops/bfloat16.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/random.h"
#include "tests/support/bfloat16_step.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

using ops::ComputeType;
using ops::round_to_bfloat16;
using testing::load_fixture;
using testing::meta_int;

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Each element within one bfloat16 step of the oracle, and at least `equal_share` of them equal to it.
void expect_within_one_step(const Tensor& actual, const Tensor& expected, const char* what,
                            double equal_share = 0.98) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  int64_t equal = 0;
  for (int64_t i = 0; i < actual.numel(); ++i) {
    const float a = actual[i], e = expected[i];
    EXPECT_EQ(a, round_to_bfloat16(a)) << what << " element " << i << " is not a bfloat16 value";
    ASSERT_TRUE(testing::within_one_bfloat16_step(a, e)) << what << " element " << i << ": " << a << " against " << e;
    equal += a == e;
  }
  EXPECT_GE(static_cast<double>(equal), equal_share * static_cast<double>(actual.numel()))
      << what << ": " << equal << " of " << actual.numel() << " equal the oracle";
}

TEST(BFloat16, RoundsToNearestTiesToEvenAsPyTorch) {
  EXPECT_EQ(round_to_bfloat16(1.0f), 1.0f);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one, 1.
  EXPECT_EQ(round_to_bfloat16(1.0f + std::ldexp(1.0f, -8)), 1.0f);
  // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
  EXPECT_EQ(round_to_bfloat16(1.0f + 3 * std::ldexp(1.0f, -8)), 1.0f + std::ldexp(1.0f, -6));
  EXPECT_EQ(round_to_bfloat16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)), 1.0f + std::ldexp(1.0f, -7));
  EXPECT_EQ(round_to_bfloat16(-2.5f), -2.5f);
  EXPECT_EQ(ops::bfloat16_bits(3.14159265f), 0x4049);  // torch.tensor(3.14159265).bfloat16() = 3.140625
  EXPECT_EQ(round_to_bfloat16(std::numeric_limits<float>::infinity()), std::numeric_limits<float>::infinity());
  EXPECT_EQ(round_to_bfloat16(std::numeric_limits<float>::max()), std::numeric_limits<float>::infinity());
  EXPECT_EQ(ops::bfloat16_bits(std::numeric_limits<float>::quiet_NaN()), 0x7fc0);
  EXPECT_EQ(ops::bfloat16_bits(from_bits(0xff800001u)), 0x7fc0);  // a signalling NaN with a low payload bit
}

TEST(BFloat16Fixture, LinearMatchesPyTorchAutocast) {
  for (const char* name : {"linear_n33_bf16", "linear_n64_bf16"}) {
    SCOPED_TRACE(name);
    const auto f = load_fixture("kernels", name);
    expect_within_one_step(ops::linear_forward(f.at("x"), f.at("w"), f.at("b"), ComputeType::BFloat16), f.at("y"),
                           "y");
    const auto g = ops::linear_backward(f.at("dy"), f.at("x"), f.at("w"), true, ComputeType::BFloat16);
    expect_within_one_step(g.dx, f.at("dx"), "dx");
    expect_within_one_step(g.dw, f.at("dw"), "dw");
    expect_within_one_step(g.db, f.at("db"), "db");
  }
}

TEST(BFloat16Fixture, Conv2dMatchesPyTorchAutocast) {
  for (const char* name : {"conv2d_relu_bf16", "conv2d_one_channel_bf16", "conv2d_stride2_pad1_bf16"}) {
    SCOPED_TRACE(name);
    const auto f = load_fixture("kernels", name);
    ops::Conv2dParams p{meta_int(f, "stride_h"), meta_int(f, "stride_w"),  meta_int(f, "pad_top"),
                        meta_int(f, "pad_bottom"), meta_int(f, "pad_left"), meta_int(f, "pad_right")};
    p.compute = ComputeType::BFloat16;
    const bool relu = meta_int(f, "relu") == 1;
    const Tensor y = ops::conv2d_forward(f.at("x"), f.at("w"), f.at("b"), p, relu);
    expect_within_one_step(y, f.at("y"), "y");
    const auto g = ops::conv2d_backward(f.at("dy"), f.at("x"), f.at("w"), p, true, true, relu ? &y : nullptr);
    expect_within_one_step(g.dx, f.at("dx"), "dx");
    expect_within_one_step(g.dw, f.at("dw"), "dw");
    expect_within_one_step(g.db, f.at("db"), "db");
  }
}

// The gradient check: the bfloat16 dense layer's y, dx, dw and db against the exact sums (float64) of
// the rounded operands, rounded to bfloat16 — at shapes that are no multiple of AMX's 16 or 32, so that
// every padded edge is exercised, and for a batch of several 32-row slices.
TEST(BFloat16, LinearIsTheRoundedExactSumOfRoundedOperands) {
  Rng rng(7);
  const int64_t N = 70, I = 45, O = 19;
  const Tensor x = uniform_tensor({N, I}, -1, 1, rng), w = uniform_tensor({O, I}, -1, 1, rng);
  const Tensor b = uniform_tensor({O}, -1, 1, rng), dy = uniform_tensor({N, O}, -1, 1, rng);
  auto r = [](const Tensor& t, int64_t i) { return static_cast<double>(round_to_bfloat16(t[i])); };
  Tensor y_ref(Shape{N, O}), dx_ref(Shape{N, I}), dw_ref(Shape{O, I}), db_ref(Shape{O});
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o) {
      double s = r(b, o);
      for (int64_t i = 0; i < I; ++i) s += r(x, n * I + i) * r(w, o * I + i);
      y_ref[n * O + o] = round_to_bfloat16(static_cast<float>(s));
    }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t i = 0; i < I; ++i) {
      double s = 0;
      for (int64_t o = 0; o < O; ++o) s += r(dy, n * O + o) * r(w, o * I + i);
      dx_ref[n * I + i] = round_to_bfloat16(static_cast<float>(s));
    }
  for (int64_t o = 0; o < O; ++o) {
    double sb = 0;
    for (int64_t n = 0; n < N; ++n) sb += r(dy, n * O + o);
    db_ref[o] = round_to_bfloat16(static_cast<float>(sb));
    for (int64_t i = 0; i < I; ++i) {
      double s = 0;
      for (int64_t n = 0; n < N; ++n) s += r(dy, n * O + o) * r(x, n * I + i);
      dw_ref[o * I + i] = round_to_bfloat16(static_cast<float>(s));
    }
  }
  expect_within_one_step(ops::linear_forward(x, w, b, ComputeType::BFloat16), y_ref, "y");
  const auto g = ops::linear_backward(dy, x, w, true, ComputeType::BFloat16);
  expect_within_one_step(g.dx, dx_ref, "dx");
  expect_within_one_step(g.dw, dw_ref, "dw");
  expect_within_one_step(g.db, db_ref, "db");
}

// The same for the convolution, through both of its paths (im2col + GEMM, and the one-channel direct kernel).
TEST(BFloat16, Conv2dIsTheRoundedExactSumOfRoundedOperands) {
  for (const int64_t C : {3, 1}) {
    SCOPED_TRACE(C);
    Rng rng(11);
    const int64_t N = 10, H = 9, W = 9, K = 5, R = 3, S = 3, P = H - R + 1, Q = W - S + 1;
    const Tensor x = uniform_tensor({N, C, H, W}, -1, 1, rng), w = uniform_tensor({K, C, R, S}, -1, 1, rng);
    const Tensor b = uniform_tensor({K}, -1, 1, rng), dy = uniform_tensor({N, K, P, Q}, -1, 1, rng);
    auto r = [](const Tensor& t, int64_t i) { return static_cast<double>(round_to_bfloat16(t[i])); };
    Tensor y_ref(Shape{N, K, P, Q}), dw_ref(Shape{K, C, R, S});
    std::vector<double> dx(static_cast<size_t>(N * C * H * W)), dw(static_cast<size_t>(K * C * R * S));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        for (int64_t i = 0; i < P; ++i)
          for (int64_t j = 0; j < Q; ++j) {
            const int64_t out = ((n * K + k) * P + i) * Q + j;
            double s = r(b, k);
            for (int64_t c = 0; c < C; ++c)
              for (int64_t u = 0; u < R; ++u)
                for (int64_t v = 0; v < S; ++v) {
                  const int64_t in = ((n * C + c) * H + i + u) * W + j + v, wi = ((k * C + c) * R + u) * S + v;
                  s += r(x, in) * r(w, wi);
                  dx[static_cast<size_t>(in)] += r(dy, out) * r(w, wi);
                  dw[static_cast<size_t>(wi)] += r(dy, out) * r(x, in);
                }
            y_ref[out] = round_to_bfloat16(static_cast<float>(s));
          }
    Tensor dx_ref(x.shape());
    for (int64_t i = 0; i < dx_ref.numel(); ++i) dx_ref[i] = round_to_bfloat16(static_cast<float>(dx[i]));
    for (int64_t i = 0; i < dw_ref.numel(); ++i) dw_ref[i] = round_to_bfloat16(static_cast<float>(dw[i]));
    ops::Conv2dParams p;
    p.compute = ComputeType::BFloat16;
    expect_within_one_step(ops::conv2d_forward(x, w, b, p), y_ref, "y");
    const auto g = ops::conv2d_backward(dy, x, w, p, true);
    expect_within_one_step(g.dx, dx_ref, "dx");
    expect_within_one_step(g.dw, dw_ref, "dw");
  }
}

// An unpadded convolution's products read the im2col matrix through offsets (conv2d.cpp's gathers_im2col);
// a padded one writes it out. A padded convolution of x is the unpadded one of x with zeros around it, so
// the two paths must give the same bits: the same values in the same products.
TEST(BFloat16, GatheredIm2colEqualsWrittenIm2col) {
  for (const int stride : {1, 2}) {
    SCOPED_TRACE(stride);
    Rng rng(5);
    const int64_t N = 19, C = 3, H = 7, W = 9, K = 6;
    const Tensor x = uniform_tensor({N, C, H, W}, -1, 1, rng), w = uniform_tensor({K, C, 3, 3}, -1, 1, rng);
    const Tensor b = uniform_tensor({K}, -1, 1, rng);
    Tensor x_padded(Shape{N, C, H + 2, W + 2});  // zeros around x
    for (int64_t nc = 0; nc < N * C; ++nc)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t v = 0; v < W; ++v) x_padded[(nc * (H + 2) + h + 1) * (W + 2) + v + 1] = x[(nc * H + h) * W + v];
    ops::Conv2dParams padded{stride, stride, 1, 1, 1, 1}, unpadded{stride, stride, 0, 0, 0, 0};
    padded.compute = unpadded.compute = ComputeType::BFloat16;
    const Tensor y = ops::conv2d_forward(x, w, b, padded, true);
    const Tensor y_gathered = ops::conv2d_forward(x_padded, w, b, unpadded, true);
    ASSERT_EQ(y.shape(), y_gathered.shape());
    for (int64_t i = 0; i < y.numel(); ++i) ASSERT_EQ(y[i], y_gathered[i]) << "y element " << i;
    const Tensor dy = uniform_tensor(y.shape(), -1, 1, rng);
    const auto g = ops::conv2d_backward(dy, x, w, padded, true, false, &y);
    const auto g_gathered = ops::conv2d_backward(dy, x_padded, w, unpadded, true, false, &y_gathered);
    for (int64_t i = 0; i < g.dw.numel(); ++i) ASSERT_EQ(g.dw[i], g_gathered.dw[i]) << "dw element " << i;
    for (int64_t i = 0; i < g.db.numel(); ++i) ASSERT_EQ(g.db[i], g_gathered.db[i]) << "db element " << i;
  }
}

TEST(BFloat16, Float32IsUntouched) {
  // ComputeType::Float32 (the default) must stay the float32 kernel: some result off the bfloat16 grid.
  Rng rng(3);
  const Tensor x = uniform_tensor({4, 40}, -1, 1, rng), w = uniform_tensor({8, 40}, -1, 1, rng);
  const Tensor y = ops::linear_forward(x, w, Tensor());
  int64_t off_grid = 0;
  for (int64_t i = 0; i < y.numel(); ++i) off_grid += y[i] != round_to_bfloat16(y[i]);
  EXPECT_GT(off_grid, y.numel() / 2);
}

}  // namespace
}  // namespace plateau
