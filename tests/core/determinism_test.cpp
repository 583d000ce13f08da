// Same seed and inputs give bit-identical kernel outputs and gradients with 1 and 2 threads.
#include <gtest/gtest.h>

#include <functional>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <set>
#include "core/error.h"
#include "core/ops/batch_norm.h"
#include "core/ops/conv2d.h"
#include "core/ops/matmul.h"
#include "core/ops/max_pool2d.h"
#include "core/random.h"
#include "core/threads.h"

namespace plateau {
namespace {

// Runs every kernel at CNN-like shapes and returns all outputs and gradients.
std::vector<Tensor> run_all_kernels() {
  Rng rng(42);
  std::vector<Tensor> out;
  const Tensor x = uniform_tensor({20, 8, 13, 13}, -1, 1, rng), w = uniform_tensor({16, 8, 3, 3}, -1, 1, rng);
  const Tensor b = uniform_tensor({16}, -1, 1, rng);
  const ops::Conv2dParams p{1, 1, 1, 1, 1, 1};
  const Tensor y = ops::conv2d_forward(x, w, b, p);
  auto cg = ops::conv2d_backward(uniform_tensor(y.shape(), -1, 1, rng), x, w, p, true);
  out.insert(out.end(), {y, cg.dx, cg.dw, cg.db});

  const Tensor xm = uniform_tensor({100, 72}, -1, 1, rng), wm = uniform_tensor({10, 72}, -1, 1, rng);
  const Tensor bm = uniform_tensor({10}, -1, 1, rng);
  auto lg = ops::linear_backward(uniform_tensor({100, 10}, -1, 1, rng), xm, wm, true);
  out.insert(out.end(), {ops::linear_forward(xm, wm, bm), lg.dx, lg.dw, lg.db});
  auto mg = ops::matmul_backward(uniform_tensor({100, 10}, -1, 1, rng), xm, wm.reshaped({72, 10}));
  out.insert(out.end(), {mg.da, mg.db});

  auto bn = ops::batch_norm_forward_train(y, Tensor(), Tensor(), 1e-3);
  auto bg = ops::batch_norm_backward_train(uniform_tensor(y.shape(), -1, 1, rng), y, Tensor(), Tensor(), bn.mean,
                                           bn.invstd);
  out.insert(out.end(), {bn.y, bn.mean, bn.var, bg.dx});

  auto pool = ops::max_pool2d_forward(y, {});
  out.insert(out.end(), {pool.y, ops::max_pool2d_backward(uniform_tensor(pool.y.shape(), -1, 1, rng), pool.argmax,
                                                          y.shape())});
  return out;
}

TEST(Determinism, OneAndTwoThreadsAreBitIdentical) {
  const int before = num_threads();
  set_num_threads(1);
  const auto one = run_all_kernels();
  set_num_threads(2);
  const auto two = run_all_kernels();
  set_num_threads(before);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(identical(one[i], two[i])) << "result " << i;
}

TEST(Determinism, ThreadCountIsValidated) {
  EXPECT_THROW(set_num_threads(0), Error);
}

}  // namespace
}  // namespace plateau
