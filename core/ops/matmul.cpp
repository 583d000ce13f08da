#include "plateau/core/ops/matmul.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/ops/bfloat16_operand.h"
#include "plateau/core/ops/eigen_view.h"
#include "plateau/core/ops/gemm_bf16.h"
#include "plateau/core/ops/parallel.h"
#include "plateau/core/random.h"

namespace plateau::ops {
namespace {

constexpr int64_t kRowSlice = 32;  // rows per parallel slice; fixed so results ignore thread count

void check_matrix(const Tensor& t, const char* op, const char* name) {
  PLATEAU_CHECK(t.shape().rank() == 2, op, ": ", name, " must be 2-D, got shape ", t.shape());
}


}  // namespace

Tensor matmul_forward(const Tensor& a, const Tensor& b) {
  check_matrix(a, "matmul", "a");
  check_matrix(b, "matmul", "b");
  const int64_t M = a.dim(0), K = a.dim(1), N = b.dim(1);
  PLATEAU_CHECK(b.dim(0) == K, "matmul: a ", a.shape(), " and b ", b.shape(), " do not chain (", K, " != ", b.dim(0),
                ")");
  Tensor y(Shape{M, N});
  for_each_slice(M, kRowSlice, [&](int64_t, int64_t r0, int64_t r1) {
    view(y.data() + r0 * N, r1 - r0, N).noalias() = view(a.data() + r0 * K, r1 - r0, K) * view(b.data(), K, N);
  });
  return y;
}

MatmulGrads matmul_backward(const Tensor& dy, const Tensor& a, const Tensor& b) {
  const int64_t M = a.dim(0), K = a.dim(1), N = b.dim(1);
  PLATEAU_CHECK(dy.shape() == Shape({M, N}), "matmul_backward: dy has shape ", dy.shape(), ", expected [", M, ",", N,
                "]");
  MatmulGrads g{Tensor::uninitialized(Shape{M, K}), Tensor::uninitialized(Shape{K, N})};  // every element written
  std::vector<Tensor> parts;  // one per slice, each written whole by its slice
  for (int64_t s = 0; s < slice_count(M, kRowSlice); ++s) parts.push_back(Tensor::uninitialized(Shape{K, N}));
  for_each_slice(M, kRowSlice, [&](int64_t s, int64_t r0, int64_t r1) {
    auto dy_rows = view(dy.data() + r0 * N, r1 - r0, N);
    view(g.da.data() + r0 * K, r1 - r0, K).noalias() = dy_rows * view(b.data(), K, N).transpose();
    view(parts[s].data(), K, N).noalias() = view(a.data() + r0 * K, r1 - r0, K).transpose() * dy_rows;
  });
  sum_in_order(parts, g.db);
  return g;
}

Tensor linear_forward(const Tensor& x, const Tensor& w, const Tensor& b, ComputeType compute) {
  check_matrix(x, "linear", "input");
  check_matrix(w, "linear", "weight");
  const int64_t N = x.dim(0), I = x.dim(1), O = w.dim(0);
  PLATEAU_CHECK(w.dim(1) == I, "linear: input has ", I, " features, weight expects ", w.dim(1), " (input shape ",
                x.shape(), ", weight shape ", w.shape(), ")");
  const bool has_bias = !b.empty();
  if (has_bias)
    PLATEAU_CHECK(b.shape() == Shape({O}), "linear: bias has shape ", b.shape(), ", expected [", O, "]");
  const bool bf16 = compute == ComputeType::BFloat16;
  const BFloat16Operand bias(b, compute);
  Tensor y = Tensor::uninitialized(Shape{N, O});
  // Rows are samples: slices restart at each shard (batch_split.h), so that a sample's row comes from a
  // product of the same shape, and so the same bits, however the batch is spread.
  for_each_sample_slice(sample_slices(N, kRowSlice), [&](int64_t, int64_t r0, int64_t r1) {
    auto out = view(y.data() + r0 * O, r1 - r0, O);
    if (bf16) {
      gemm_bf16(false, true, r1 - r0, O, I, x.data() + r0 * I, I, w.data(), I, out.data(), O);
    } else {
      out.noalias() = view(x.data() + r0 * I, r1 - r0, I) * view(w.data(), O, I).transpose();
    }
    if (has_bias) out.rowwise() += view(bias.data(), 1, O).row(0);
    if (bf16) round_to_bfloat16(out.data(), (r1 - r0) * O);
  });
  return y;
}

LinearGrads linear_backward(const Tensor& dy, const Tensor& x, const Tensor& w, bool has_bias, ComputeType compute) {
  const int64_t N = x.dim(0), I = x.dim(1), O = w.dim(0);
  PLATEAU_CHECK(dy.shape() == Shape({N, O}), "linear_backward: dy has shape ", dy.shape(), ", expected [", N, ",", O,
                "]");
  const bool bf16 = compute == ComputeType::BFloat16;
  const BFloat16Operand dyr(dy, compute);  // bfloat16: the bias gradient sums the rounded dy too
  // Every element of these is written below: no zero fill.
  LinearGrads g{Tensor::uninitialized(Shape{N, I}), Tensor::uninitialized(Shape{O, I}),
                has_bias ? Tensor::uninitialized(Shape{O}) : Tensor()};
  const std::vector<SampleSlice> slices = sample_slices(N, kRowSlice);  // rows are samples (batch_split.h)
  std::vector<Tensor> dw_parts, db_parts;
  for (size_t s = 0; s < slices.size(); ++s) {
    dw_parts.push_back(Tensor::uninitialized(Shape{O, I}));
    if (has_bias) db_parts.push_back(Tensor::uninitialized(Shape{O}));
  }
  for_each_sample_slice(slices, [&](int64_t s, int64_t r0, int64_t r1) {
    const int64_t rows = r1 - r0;
    auto dy_rows = view(dyr.data() + r0 * O, rows, O);
    float* dx = g.dx.data() + r0 * I;
    if (bf16) {
      gemm_bf16(false, false, rows, I, O, dyr.data() + r0 * O, O, w.data(), I, dx, I);
      round_to_bfloat16(dx, rows * I);
      gemm_bf16(true, false, O, I, rows, dyr.data() + r0 * O, O, x.data() + r0 * I, I, dw_parts[s].data(), I);
    } else {
      view(dx, rows, I).noalias() = dy_rows * view(w.data(), O, I);
      view(dw_parts[s].data(), O, I).noalias() = dy_rows.transpose() * view(x.data() + r0 * I, rows, I);
    }
    if (has_bias) view(db_parts[s].data(), 1, O).row(0) = dy_rows.colwise().sum();
  });
  sum_slice_parts(dw_parts, g.dw);
  if (has_bias) sum_slice_parts(db_parts, g.db);
  round_result(g.dw, compute);  // the whole batch's sums, then one rounding (autocast's bfloat16 weight gradient)
  round_result(g.db, compute);
  return g;
}

double measure_sgemm_gflops() {
  Rng rng(1);
  const Tensor a = uniform_tensor({512, 512}, -1, 1, rng), b = uniform_tensor({512, 512}, -1, 1, rng);
  double best = 0;
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Tensor c = matmul_forward(a, b);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * 512 * 512 * 512 / (ms * 1e6));
  }
  return best;
}

}  // namespace plateau::ops
