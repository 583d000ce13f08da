// How long plateau takes to refuse a file that claims about 100 GB in 1 KB (tests/support/hostile_files.h),
// per format, from its bytes in memory: the claim must be refused from the header alone, in microseconds,
// before anything that size is allocated (tests/training/hostile_claims_test.cpp checks the allocation).
#include <benchmark/benchmark.h>

#include "plateau/core/error.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/datasets/idx.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "tests/support/hostile_files.h"
#include "plateau/training/checkpoint.h"

namespace plateau {
namespace {

void BM_RefuseHundredGigabyteClaim(benchmark::State& state) {
  const auto claims = testing::hundred_gigabyte_claims();
  const auto& [name, bytes] = claims[static_cast<size_t>(state.range(0))];
  state.SetLabel(name + ", " + std::to_string(bytes.size()) + " bytes");
  for (auto _ : state) {
    try {
      if (name.find("idx") == 0) decode_idx_file(bytes, name);
      if (name == "safetensors") io::decode_safetensors(bytes, name);
      if (name == "checkpoint") decode_checkpoint(bytes, name);
      if (name == "weights_model_spec") {
        const nlohmann::json spec = model_spec_from_metadata(io::decode_safetensors(bytes, name), name);
        build_model(spec, model_input_shape(spec), 0);
      }
      state.SkipWithError("the claim was not refused");
      break;
    } catch (const Error&) {
    }
  }
}

BENCHMARK(BM_RefuseHundredGigabyteClaim)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace plateau

BENCHMARK_MAIN();
