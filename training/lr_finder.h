#pragma once
// The LR range test (Smith 2017, "Cyclical Learning Rates", §3.3; as fastai's lr_find): train for
// `steps` batches while the lr grows exponentially from start_lr to end_lr, smooth the loss
// (exponential moving average, beta 0.98, bias-corrected), stop once the smoothed loss exceeds
// 4× its minimum. Suggested max lr: the lr at the smoothed loss's minimum ÷ 10. Also reported: the
// lr of the steepest descent. The model and optimizer are left exactly as they were.

#include <cstdint>
#include <string>
#include <vector>

#include "plateau/datasets/image_dataset.h"
#include "plateau/training/model.h"

namespace plateau {

struct LrFinderOptions {
  double start_lr = 1e-7, end_lr = 1.0;
  int64_t steps = 100;
  int64_t batch_size = 128;
  uint64_t seed = 0;
  double beta = 0.98;
  double divergence = 4.0;
};

struct LrFinderResult {
  std::vector<double> lr, loss, smoothed;  // one per step taken
  bool diverged = false;
  double suggested_lr = 0, min_loss_lr = 0, steepest_lr = 0;
  std::string rule;
};

LrFinderResult find_lr(Model& model, const ImageDataset& data, const LrFinderOptions& options);

}  // namespace plateau
