// Same seed and inputs give bit-identical kernel outputs and gradients with 1 and 2 threads, in every
// kernel set this build has (core/ops/kernels.h); the sets agree with one another to rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/random.h"
#include "plateau/core/threads.h"
#include "tests/support/bfloat16_step.h"

namespace plateau {
namespace {

// Runs every kernel of one kernel set at CNN-like shapes and returns all outputs and gradients, in
// this order: conv (y, dx, dw, db), linear (y, dx, dw, db), matmul (da, db), batch norm (y, mean, var,
// dx), max pool (y, dx), relu (y, dx), then conv and linear again in bfloat16 (y, dx, dw, db each).
std::vector<Tensor> run_all_kernels(const ops::KernelTable& k) {
  Rng rng(42);
  std::vector<Tensor> out;
  const Tensor x = uniform_tensor({20, 8, 13, 13}, -1, 1, rng), w = uniform_tensor({16, 8, 3, 3}, -1, 1, rng);
  const Tensor b = uniform_tensor({16}, -1, 1, rng);
  const ops::Conv2dParams p{1, 1, 1, 1, 1, 1};
  const Tensor y = k.conv2d_forward(x, w, b, p, false);
  auto cg = k.conv2d_backward(uniform_tensor(y.shape(), -1, 1, rng), x, w, p, true, true, nullptr);
  out.insert(out.end(), {y, cg.dx, cg.dw, cg.db});

  const Tensor xm = uniform_tensor({100, 72}, -1, 1, rng), wm = uniform_tensor({10, 72}, -1, 1, rng);
  const Tensor bm = uniform_tensor({10}, -1, 1, rng);
  const Tensor dym = uniform_tensor({100, 10}, -1, 1, rng);
  auto lg = k.linear_backward(dym, xm, wm, true, ops::ComputeType::Float32);
  out.insert(out.end(), {k.linear_forward(xm, wm, bm, ops::ComputeType::Float32), lg.dx, lg.dw, lg.db});
  auto mg = k.matmul_backward(uniform_tensor({100, 10}, -1, 1, rng), xm, wm.reshaped({72, 10}));
  out.insert(out.end(), {mg.da, mg.db});

  // The same input for every set from here on (not y, whose last bits depend on the set).
  const Tensor z = uniform_tensor(y.shape(), -2, 2, rng);
  auto bn = k.batch_norm_forward_train(z, Tensor(), Tensor(), 1e-3);
  auto bg = k.batch_norm_backward_train(uniform_tensor(z.shape(), -1, 1, rng), z, Tensor(), Tensor(), bn.mean,
                                        bn.invstd);
  out.insert(out.end(), {bn.y, bn.mean, bn.var, bg.dx});

  auto pool = k.max_pool2d_forward(z, {});
  out.insert(out.end(), {pool.y, k.max_pool2d_backward(uniform_tensor(pool.y.shape(), -1, 1, rng), pool.argmax,
                                                       z.shape())});
  const Tensor r = k.relu_forward(z);
  out.insert(out.end(), {r, k.relu_backward(uniform_tensor(z.shape(), -1, 1, rng), r)});

  ops::Conv2dParams pb = p;  // the mixed_bfloat16 policy's kernels (AMX where this CPU has it)
  pb.compute = ops::ComputeType::BFloat16;
  const Tensor yb = k.conv2d_forward(x, w, b, pb, false);
  auto cb = k.conv2d_backward(uniform_tensor(yb.shape(), -1, 1, rng), x, w, pb, true, true, nullptr);
  out.insert(out.end(), {yb, cb.dx, cb.dw, cb.db});
  auto lb = k.linear_backward(dym, xm, wm, true, ops::ComputeType::BFloat16);
  out.insert(out.end(), {k.linear_forward(xm, wm, bm, ops::ComputeType::BFloat16), lb.dx, lb.dw, lb.db});
  return out;
}

// The outputs that are the same in every kernel set, bit for bit: the convolution's bias gradient and
// batch norm's forward pass (the same sums in the same order in every set: core/ops/batch_norm_stats.h),
// max pooling and ReLU (they only compare and copy). The rest — GEMM-based convolution and Dense, batch norm's input
// gradient — differ in the last bits between sets, whose vector widths and FMA round differently.
const std::set<size_t> kIdenticalAcrossSets = {3, 10, 11, 12, 14, 15, 16, 17};
// The bfloat16 results, from here on: between sets (AMX's order against the float32 GEMM's) they may
// differ by one bfloat16 step (tests/support/bfloat16_step.h).
constexpr size_t kFirstBFloat16 = 18;

std::vector<const char*> runnable_sets() {
  std::vector<const char*> sets;
  for (const char* s : ops::kernel_sets())
    if (ops::cpu_runs(s)) sets.push_back(s);
  return sets;
}

float max_abs_difference(const Tensor& a, const Tensor& b) {
  float worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST(Determinism, OneAndTwoThreadsAreBitIdenticalInEveryKernelSet) {
  const int before = num_threads();
  for (const char* set : runnable_sets()) {
    const ops::KernelTable& k = ops::kernel_table(set);
    set_num_threads(1);
    const auto one = run_all_kernels(k);
    set_num_threads(2);
    const auto two = run_all_kernels(k);
    ASSERT_EQ(one.size(), two.size());
    for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(identical(one[i], two[i])) << set << ", result " << i;
  }
  set_num_threads(before);
}

TEST(KernelSets, AgreeWithTheSetInUseClosely) {
  const auto reference = run_all_kernels(ops::kernels());
  for (const char* set : runnable_sets()) {
    const auto results = run_all_kernels(ops::kernel_table(set));
    ASSERT_EQ(results.size(), reference.size());
    for (size_t i = 0; i < results.size(); ++i) {
      ASSERT_EQ(results[i].shape(), reference[i].shape()) << set << ", result " << i;
      const float difference = max_abs_difference(results[i], reference[i]);
      if (kIdenticalAcrossSets.count(i)) {
        EXPECT_EQ(difference, 0.0f) << set << ", result " << i;
      } else if (i >= kFirstBFloat16) {
        for (int64_t j = 0; j < results[i].numel(); ++j) {
          const float a = results[i][j], b = reference[i][j];
          ASSERT_TRUE(testing::within_one_bfloat16_step(a, b)) << set << ", result " << i << ", element " << j << ": "
                                                               << a << " against " << b;
        }
      } else {  // values up to ~50 (sums of up to 1,296 products of U(-1, 1))
        EXPECT_LE(difference, 1e-4f) << set << ", result " << i;
      }
      std::printf("%s result %zu: largest difference %g\n", set, i, difference);
    }
  }
}

TEST(KernelSets, TheBuildNamesItsSetsAndUsesOneTheCpuRuns) {
  const std::vector<const char*> sets = ops::kernel_sets();
  ASSERT_FALSE(sets.empty());
  EXPECT_TRUE(ops::cpu_runs(ops::kernel_set())) << ops::kernel_set();
  EXPECT_THROW(ops::kernel_table("avx9"), Error);
  // PLATEAU_ISA, when set (the suite runs once per set), is the set in use.
  const char* forced = std::getenv("PLATEAU_ISA");
  if (forced && *forced) {
    EXPECT_STREQ(ops::kernel_set(), forced);
  }
}

TEST(Determinism, ThreadCountIsValidated) {
  EXPECT_THROW(set_num_threads(0), Error);
}

}  // namespace
}  // namespace plateau
