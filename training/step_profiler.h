#pragma once
// StepProfiler: times training steps layer by layer — forward and backward per layer, the loss, the
// optimizer and the data — with FLOP rates against the machine's measured SGEMM ceiling and each
// layer's activation memory, for `plateau profile` and `plateau train --profile`. The model and
// optimizer are left as they were (a snapshot is restored).

#include <string>
#include <vector>

#include "plateau/datasets/image_dataset.h"
#include "plateau/training/model.h"

namespace plateau {

// One row of the table: a layer, or layers the model runs as one fused step (Sequential::steps()).
struct LayerProfile {
  std::string name, type;
  double forward_ms = 0, backward_ms = 0;  // per step
  double flops_forward = 0, flops_backward = 0;  // per step
  double activation_mb = 0;                  // the layer's output for one batch
};

struct TraceEvent {
  std::string name, category;
  double start_us, duration_us;
};

struct StepProfile {
  std::vector<LayerProfile> layers;
  double loss_ms = 0, optimizer_ms = 0, data_ms = 0, step_ms = 0;  // per step; step_ms measured whole
  double ceiling_gflops = 0;  // measured SGEMM ceiling at this thread count
  int64_t batch_size = 0, steps = 0;
  std::vector<TraceEvent> trace;
  double accounted_ms() const;  // Σ layers + loss + optimizer + data
};

StepProfile profile_steps(Model& model, const ImageDataset& data, int64_t batch_size, int64_t steps);
std::string format_profile(const StepProfile& p);
std::string chrome_trace_json(const StepProfile& p);  // chrome://tracing / Perfetto trace-event format

}  // namespace plateau
