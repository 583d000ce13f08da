#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

#include "plateau/core/error.h"
#include "plateau/core/random.h"
#include "plateau/core/tensor.h"

namespace plateau {
namespace {

TEST(Tensor, ShapeFillAndAlignment) {
  Tensor t({2, 3, 4}, 1.5f);
  EXPECT_EQ(t.shape(), Shape({2, 3, 4}));
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.shape().str(), "[2,3,4]");
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % 64, 0u);
  for (int64_t i = 0; i < t.numel(); ++i) EXPECT_EQ(t[i], 1.5f);
}

TEST(Tensor, CopyIsDeepMoveIsCheap) {
  Tensor a({3}, {1, 2, 3});
  Tensor b = a;
  b[0] = 9;
  EXPECT_EQ(a[0], 1);
  const float* storage = a.data();
  Tensor c = std::move(a);
  EXPECT_EQ(c.data(), storage);
}

TEST(Tensor, ReshapeKeepsValuesAndChecksCount) {
  Tensor a({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor r = a.reshaped({3, 2});
  EXPECT_EQ(r.shape(), Shape({3, 2}));
  EXPECT_EQ(r[5], 6);
  EXPECT_THROW(a.reshaped({7}), Error);
  EXPECT_THROW(Tensor({2}, std::vector<float>{1.0f}), Error);
  EXPECT_THROW(Shape({2, -1}), Error);
  EXPECT_THROW(Tensor({2}).item(), Error);
}

TEST(Rng, SameSeedSameStreamAndStateRoundTrip) {
  Rng a(7), b(7), c(8);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
  EXPECT_NE(a.next_u64(), c.next_u64());
  const auto state = a.state();
  const double next = a.uniform();
  a.set_state(state);
  EXPECT_EQ(a.uniform(), next);
}

TEST(Rng, DistributionsHaveTheRightMoments) {
  Rng rng(123);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double v = rng.normal(1.0, 2.0);
    sum += v;
    sq += v * v;
  }
  const double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(var, 4.0, 0.05);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform(-2, 3);
    EXPECT_GE(u, -2);
    EXPECT_LT(u, 3);
    EXPECT_LT(rng.below(7), 7u);
  }
}

}  // namespace
}  // namespace plateau
