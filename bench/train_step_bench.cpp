// One training step of the seed CNN (batch 128, Keras Adam, as `plateau train` runs it) on random images:
// forward, fused softmax cross-entropy, backward, optimizer step. Counter images_per_second; FLOPS counts
// the 19.0 MFLOP per training image (forward 6.47, backward about twice that).
#include <benchmark/benchmark.h>

#include "plateau/core/random.h"
#include "plateau/core/threads.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/model.h"

namespace plateau {
namespace {

void BM_SeedCnnTrainStep(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const int64_t batch = 128;
  Model model(build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 1));
  model.compile(make_optimizer(parse_optimizer_spec("keras.Adam"), model.net().parameters()),
                Loss("sparse_categorical_crossentropy"));
  ImageDataset data{batch, 28, 28, std::vector<uint8_t>(batch * 28 * 28), std::vector<uint8_t>(batch)};
  Rng rng(2);
  for (auto& p : data.pixels) p = static_cast<uint8_t>(rng.below(256));
  for (auto& l : data.labels) l = static_cast<uint8_t>(rng.below(10));
  std::vector<int64_t> idx(batch);
  for (int64_t i = 0; i < batch; ++i) idx[i] = i;
  model.net().train();
  for (auto _ : state) model.train_step(data, idx);
  state.counters["images_per_second"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["FLOPS"] = benchmark::Counter(19.0e6 * batch, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}

BENCHMARK(BM_SeedCnnTrainStep)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace plateau

BENCHMARK_MAIN();
