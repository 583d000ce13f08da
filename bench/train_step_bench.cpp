// One training step of the seed CNN (batch 128, Keras Adam, as `plateau train` runs it) on random images:
// forward, fused softmax cross-entropy, backward, optimizer step. Counter images_per_second; FLOPS counts
// the 19.0 MFLOP per training image (forward 6.47, backward about twice that).
#include <benchmark/benchmark.h>

#include "bench/seed_cnn_batch.h"
#include "plateau/core/threads.h"

namespace plateau {
namespace {

void BM_SeedCnnTrainStep(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const int64_t batch = 128;
  const std::unique_ptr<Model> model = bench::seed_cnn_model();
  const bench::RandomBatch b = bench::random_batch(batch);
  for (auto _ : state) model->train_step(b.data, b.indices);
  state.counters["images_per_second"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["FLOPS"] = benchmark::Counter(19.0e6 * batch, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

BENCHMARK(BM_SeedCnnTrainStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace plateau

BENCHMARK_MAIN();
