// plateau profile [--model M] [--optimizer O] [--batch-size N] [--steps N] [--threads N] [--seed N] [--trace FILE.json]
// Per layer: forward and backward time, share of the step, GFLOP/s and % of the measured SGEMM
// ceiling, activation memory; plus loss, optimizer and data time (training/step_profiler.h).
#include <cstdio>

#include "apps/commands.h"
#include "apps/training_run.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/ops/kernels.h"
#include "plateau/core/threads.h"
#include "plateau/layers/model_spec.h"
#include "plateau/training/setup.h"
#include "plateau/training/step_profiler.h"

namespace plateau::apps {

void run_profile_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  if (o.threads > 0) set_num_threads(static_cast<int>(o.threads));
  const ImageDataset data = load_data({.dir = o.data, .split = "train"});
  auto model = model_for(o);
  const StepProfile p = profile_steps(*model, data, o.batch_size, o.steps);
  std::printf("%s, batch %lld, %d threads, %lld steps, dtype policy %s%s\n", o.model.c_str(),
              static_cast<long long>(o.batch_size), num_threads(), static_cast<long long>(o.steps),
              o.dtype_policy.c_str(), o.dtype_policy == "float32" ? "" : ops::bfloat16_on_amx() ? " (AMX)" : " (float32 GEMM)");
  std::fputs(format_profile(p).c_str(), stdout);
  if (!o.trace.empty()) {
    io::write_file_atomically(o.trace, chrome_trace_json(p));
    std::printf("trace: %s\n", o.trace.c_str());
  }
}

}  // namespace plateau::apps
