// Kernel benchmarks at the seed CNN's shapes (batch 128, 28x28x1 input):
// conv 1->32 on 28x28, 32->64 on 13x13, 64->128 on 5x5 (3x3, valid), dense 1152->128.
// Counter FLOPS is floating-point operations per second (2 per multiply-add).
#include <benchmark/benchmark.h>

#include <map>

#include "plateau/core/ops/batch_norm.h"
#include "plateau/core/ops/batch_norm_max_pool2d.h"
#include "plateau/core/ops/conv2d.h"
#include "plateau/core/ops/conv2d_batch_norm_max_pool2d.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/core/ops/max_pool2d.h"
#include "plateau/core/random.h"
#include "plateau/core/threads.h"

namespace plateau {
namespace {

// The machine's SGEMM ceiling at the current thread count (FLOP/s), measured once per thread count as
// `plateau profile` measures it.
double sgemm_ceiling() {
  static std::map<int, double> ceiling;  // by thread count
  double& c = ceiling[num_threads()];
  if (c == 0) c = ops::measure_sgemm_gflops() * 1e9;
  return c;
}

// FLOPS: floating-point operations per second (2 per multiply-add); pct_ceiling: the same as a percentage of
// the measured SGEMM ceiling at this thread count.
void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOPS"] = benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
  state.counters["pct_ceiling"] =
      benchmark::Counter(100.0 * flops_per_iteration / sgemm_ceiling(), benchmark::Counter::kIsIterationInvariantRate);
}

struct ConvShape {
  int64_t N, C, H, K;
};
const ConvShape kConv[] = {{128, 1, 28, 32}, {128, 32, 13, 64}, {128, 64, 5, 128}};

double conv_flops(const ConvShape& s) {
  const int64_t P = s.H - 2;
  return 2.0 * s.N * s.K * P * P * s.C * 9;
}

// Arguments {shape index, threads, compute type: 0 float32, 1 bfloat16 (mixed_bfloat16's convolutions)}.
ops::Conv2dParams conv_params(const benchmark::State& state) {
  ops::Conv2dParams p;
  if (state.range(2) == 1) p.compute = ops::ComputeType::BFloat16;
  return p;
}

void BM_Conv2dForward(benchmark::State& state) {
  const ConvShape s = kConv[state.range(0)];
  set_num_threads(static_cast<int>(state.range(1)));
  Rng rng(1);
  const Tensor x = uniform_tensor({s.N, s.C, s.H, s.H}, -1, 1, rng), w = uniform_tensor({s.K, s.C, 3, 3}, -1, 1, rng);
  const Tensor b = uniform_tensor({s.K}, -1, 1, rng);
  const ops::Conv2dParams p = conv_params(state);
  for (auto _ : state) benchmark::DoNotOptimize(ops::conv2d_forward(x, w, b, p));
  set_flops(state, conv_flops(s));
}

void BM_Conv2dBackward(benchmark::State& state) {
  const ConvShape s = kConv[state.range(0)];
  set_num_threads(static_cast<int>(state.range(1)));
  const bool need_dx = s.C > 1;  // the first layer needs no input gradient
  Rng rng(2);
  const Tensor x = uniform_tensor({s.N, s.C, s.H, s.H}, -1, 1, rng), w = uniform_tensor({s.K, s.C, 3, 3}, -1, 1, rng);
  const Tensor dy = uniform_tensor({s.N, s.K, s.H - 2, s.H - 2}, -1, 1, rng);
  const ops::Conv2dParams p = conv_params(state);
  for (auto _ : state) benchmark::DoNotOptimize(ops::conv2d_backward(dy, x, w, p, true, need_dx));
  set_flops(state, conv_flops(s) * (need_dx ? 2 : 1));
}

void BM_DenseForward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Rng rng(3);
  const Tensor x = uniform_tensor({128, 1152}, -1, 1, rng), w = uniform_tensor({128, 1152}, -1, 1, rng);
  const Tensor b = uniform_tensor({128}, -1, 1, rng);
  for (auto _ : state) benchmark::DoNotOptimize(ops::linear_forward(x, w, b));
  set_flops(state, 2.0 * 128 * 1152 * 128);
}

void BM_DenseBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Rng rng(4);
  const Tensor x = uniform_tensor({128, 1152}, -1, 1, rng), w = uniform_tensor({128, 1152}, -1, 1, rng);
  const Tensor dy = uniform_tensor({128, 128}, -1, 1, rng);
  for (auto _ : state) benchmark::DoNotOptimize(ops::linear_backward(dy, x, w, true));
  set_flops(state, 4.0 * 128 * 1152 * 128);
}

void BM_Matmul(benchmark::State& state) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  Rng rng(5);
  const Tensor a = uniform_tensor({n, n}, -1, 1, rng), b = uniform_tensor({n, n}, -1, 1, rng);
  for (auto _ : state) benchmark::DoNotOptimize(ops::matmul_forward(a, b));
  set_flops(state, 2.0 * n * n * n);
}

// Pool and batch norm after conv1 (128,32,26,26) and conv2 (128,64,11,11).
const Shape kActivation[] = {{128, 32, 26, 26}, {128, 64, 11, 11}};

void BM_MaxPool2dForwardBackward(benchmark::State& state) {
  const Shape s = kActivation[state.range(0)];
  set_num_threads(static_cast<int>(state.range(1)));
  Rng rng(6);
  const Tensor x = uniform_tensor(s, -1, 1, rng);
  for (auto _ : state) {
    auto r = ops::max_pool2d_forward(x, {});
    benchmark::DoNotOptimize(ops::max_pool2d_backward(r.y, r.argmax, s));
  }
  state.SetBytesProcessed(state.iterations() * s.numel() * 4 * 2);
}

// A batch-norm input of one of kActivation's shapes with its γ and β.
struct BatchNormInputs {
  Shape shape;
  Tensor x, g, b;
};

BatchNormInputs batch_norm_inputs(const benchmark::State& state, uint64_t seed) {
  const Shape s = kActivation[state.range(0)];
  set_num_threads(static_cast<int>(state.range(1)));
  Rng rng(seed);
  Tensor x = uniform_tensor(s, -1, 1, rng), g = uniform_tensor({s[1]}, 0.5, 1.5, rng);
  Tensor b = uniform_tensor({s[1]}, -1, 1, rng);
  return {s, std::move(x), std::move(g), std::move(b)};
}

void BM_BatchNormForwardBackward(benchmark::State& state) {
  const auto [s, x, g, b] = batch_norm_inputs(state, 7);
  for (auto _ : state) {
    auto r = ops::batch_norm_forward_train(x, g, b, 1e-3);
    benchmark::DoNotOptimize(ops::batch_norm_backward_train(r.y, x, g, b, r.mean, r.invstd));
  }
  state.SetBytesProcessed(state.iterations() * s.numel() * 4 * 2);
}

// The fused BatchNormalization + MaxPooling2D the model runs: forward, and backward from the pooled gradient.
void BM_BatchNormMaxPool2dForward(benchmark::State& state) {
  const auto [s, x, g, b] = batch_norm_inputs(state, 8);
  for (auto _ : state) benchmark::DoNotOptimize(ops::batch_norm_max_pool2d_forward_train(x, g, b, 1e-3, {}));
  state.SetBytesProcessed(state.iterations() * s.numel() * 4);
}

void BM_BatchNormMaxPool2dBackward(benchmark::State& state) {
  const auto [s, x, g, b] = batch_norm_inputs(state, 9);
  const auto r = ops::batch_norm_max_pool2d_forward_train(x, g, b, 1e-3, {});
  for (auto _ : state)
    benchmark::DoNotOptimize(ops::batch_norm_max_pool2d_backward_train(r.y, r.argmax, x, g, b, r.mean, r.invstd));
  state.SetBytesProcessed(state.iterations() * s.numel() * 4);
}

// The fused first layer the model runs (Conv2D 1->32 with ReLU, BatchNormalization, MaxPooling2D) on the
// seed CNN's batch; arguments {compute type: 0 float32, 1 bfloat16, threads}.
struct FirstLayerInputs {
  Tensor x, w, b, g, beta;
  ops::Conv2dParams conv;
  ops::ConvBatchNormPool f() const { return {w, b, conv, true, g, beta, 1e-3, {}}; }
};

FirstLayerInputs first_layer_inputs(const benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(1)));
  Rng rng(10);
  FirstLayerInputs in{uniform_tensor({128, 1, 28, 28}, 0, 1, rng), uniform_tensor({32, 1, 3, 3}, -0.5, 0.5, rng),
                      uniform_tensor({32}, -0.1, 0.1, rng), uniform_tensor({32}, 0.5, 1.5, rng),
                      uniform_tensor({32}, -1, 1, rng), {}};
  if (state.range(0) == 1) in.conv.compute = ops::ComputeType::BFloat16;
  return in;
}

void BM_FirstLayerForward(benchmark::State& state) {
  const FirstLayerInputs in = first_layer_inputs(state);
  for (auto _ : state) benchmark::DoNotOptimize(ops::conv2d_batch_norm_max_pool2d_forward_train(in.x, in.f()));
  set_flops(state, conv_flops(kConv[0]));
}

void BM_FirstLayerBackward(benchmark::State& state) {
  const FirstLayerInputs in = first_layer_inputs(state);
  const auto r = ops::conv2d_batch_norm_max_pool2d_forward_train(in.x, in.f());
  for (auto _ : state)
    benchmark::DoNotOptimize(ops::conv2d_batch_norm_max_pool2d_backward_train(r.y, in.x, in.f(), r));
  set_flops(state, conv_flops(kConv[0]) * 2);  // the convolution again, and its weight gradient
}

// Arguments: {shape index, threads, compute type}, {shape index, threads} or {threads}.
BENCHMARK(BM_Conv2dForward)->ArgsProduct({{0, 1, 2}, {1, 2}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Conv2dBackward)->ArgsProduct({{0, 1, 2}, {1, 2}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DenseForward)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DenseBackward)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Matmul)->ArgsProduct({{512}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MaxPool2dForwardBackward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BatchNormForwardBackward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BatchNormMaxPool2dForward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BatchNormMaxPool2dBackward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FirstLayerForward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FirstLayerBackward)->ArgsProduct({{0, 1}, {1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace plateau

BENCHMARK_MAIN();
