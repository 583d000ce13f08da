// What data parallelism costs a training step of the seed CNN (batch 128, Keras Adam): run it under
// `mpirun -np N bench/data_parallel_bench` (N = 1, 2, 4; one thread each). Counters, from rank 0:
//   images_per_second  the whole job's training throughput
//   combine_ms         time a step spends in collectives (weight gradients, batch-norm statistics, loss,
//                      the outputs for the metrics), waiting for slower ranks included
//   combine_MB         bytes this rank receives per step
// for both reductions: exact (per-slice parts gathered, the same bits on any N) and fast (MPI_Allreduce).
// Google Benchmark picks iteration counts by timing, which ranks would do differently; every
// benchmark here runs a fixed number of steps instead, so all ranks call the same collectives.
#include <benchmark/benchmark.h>

#include <chrono>

#include "bench/seed_cnn_batch.h"
#include "plateau/core/threads.h"
#include "plateau/distributed/mpi_process_group.h"

namespace plateau {
namespace {

distributed::MpiProcessGroup* g_world = nullptr;

// The world's collectives, timed.
class TimedGroup : public ProcessGroup {
 public:
  explicit TimedGroup(ProcessGroup& inner) : inner_(inner) {}
  int rank() const override { return inner_.rank(); }
  int size() const override { return inner_.size(); }
  std::vector<double> all_gather(std::span<const double> mine) override {
    return timed<double>([&] { return inner_.all_gather(mine); });
  }
  std::vector<float> all_gather(std::span<const float> mine) override {
    return timed<float>([&] { return inner_.all_gather(mine); });
  }
  void all_reduce_sum(std::span<float> values) override {
    const auto start = std::chrono::steady_clock::now();
    inner_.all_reduce_sum(values);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bytes += static_cast<double>(values.size_bytes());
  }
  std::string broadcast(const std::string& text) override { return inner_.broadcast(text); }
  bool all_true(bool ok) override { return inner_.all_true(ok); }

  double seconds = 0, bytes = 0;

 private:
  template <typename T, typename Gather>
  std::vector<T> timed(Gather gather) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<T> all = gather();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bytes += static_cast<double>(all.size() * sizeof(T));
    return all;
  }
  ProcessGroup& inner_;
};

void BM_DataParallelStep(benchmark::State& state) {
  const auto reduction = state.range(0) == 0 ? ops::Reduction::Exact : ops::Reduction::Fast;
  const int64_t batch = 128;
  const std::unique_ptr<Model> model = bench::seed_cnn_model();
  TimedGroup group(*g_world);
  model->set_data_parallel({.group = g_world->size() > 1 ? &group : nullptr, .shards = 4, .reduction = reduction});
  const bench::RandomBatch b = bench::random_batch(batch);
  for (int warm = 0; warm < 3; ++warm) model->train_step(b.data, b.indices);
  group.seconds = group.bytes = 0;
  for (auto _ : state) model->train_step(b.data, b.indices);
  const double steps = static_cast<double>(state.iterations());
  state.counters["images_per_second"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["combine_ms"] = 1e3 * group.seconds / steps;
  state.counters["combine_MB"] = group.bytes / steps / 1e6;
  state.counters["processes"] = g_world->size();
}

BENCHMARK(BM_DataParallelStep)->ArgName("fast")->Arg(0)->Arg(1)->Iterations(60)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace plateau

int main(int argc, char** argv) {
  plateau::distributed::MpiProcessGroup world(&argc, &argv);
  plateau::g_world = &world;
  plateau::set_num_threads(1);
  benchmark::Initialize(&argc, argv);
  if (world.rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {  // the same steps, quietly
    struct Quiet : benchmark::BenchmarkReporter {
      bool ReportContext(const Context&) override { return true; }
      void ReportRuns(const std::vector<Run>&) override {}
    } quiet;
    benchmark::RunSpecifiedBenchmarks(&quiet);
  }
  benchmark::Shutdown();
  return 0;
}
