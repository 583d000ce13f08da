#include "plateau/training/lr_finder.h"

#include <cmath>

#include "plateau/core/error.h"
#include "plateau/training/data_loader.h"

namespace plateau {

LrFinderResult find_lr(Model& model, const ImageDataset& data, const LrFinderOptions& o) {
  PLATEAU_CHECK(o.start_lr > 0 && o.end_lr > o.start_lr, "lr-find: need 0 < start_lr < end_lr, got ", o.start_lr,
                " and ", o.end_lr);
  PLATEAU_CHECK(o.steps >= 5, "lr-find: steps must be at least 5, got ", o.steps);
  Sequential& net = model.net();
  Optimizer& opt = model.optimizer();
  const TrainingCheckpoint before = model.snapshot();  // everything the test touches, to put back
  const bool was_training = net.training();

  LrFinderResult r;
  DataLoader loader(data, o.batch_size, true, o.seed);
  int64_t epoch = 0, batch = 0;
  loader.start_epoch(epoch);
  net.train();
  double average = 0, best = INFINITY;
  for (int64_t i = 0; i < o.steps; ++i) {
    const double lr = o.start_lr * std::pow(o.end_lr / o.start_lr, static_cast<double>(i) / (o.steps - 1));
    for (ParamGroup& g : opt.param_groups()) g.lr = lr;
    if (batch == loader.batches()) loader.start_epoch(++epoch), batch = 0;
    const double l = model.train_step(data, loader.batch_indices(batch++)).loss;
    average = o.beta * average + (1 - o.beta) * l;
    const double smoothed = average / (1 - std::pow(o.beta, static_cast<double>(i + 1)));
    r.lr.push_back(lr);
    r.loss.push_back(l);
    r.smoothed.push_back(smoothed);
    if (!std::isfinite(smoothed) || (i > 0 && smoothed > o.divergence * best)) {
      r.diverged = true;
      break;
    }
    best = std::min(best, smoothed);
  }

  model.restore_model_and_optimizer(before);
  net.train(was_training);

  // Suggestions from the smoothed curve (the diverging tail excluded).
  const size_t n = r.diverged ? r.smoothed.size() - 1 : r.smoothed.size();
  size_t at_min = 0;
  for (size_t i = 0; i < n; ++i)
    if (r.smoothed[i] < r.smoothed[at_min]) at_min = i;
  size_t steepest = 1;
  double slope = INFINITY;
  for (size_t i = 1; i + 1 < n && i <= at_min; ++i) {  // d loss / d log10(lr), central difference
    const double s = (r.smoothed[i + 1] - r.smoothed[i - 1]) / (std::log10(r.lr[i + 1]) - std::log10(r.lr[i - 1]));
    if (s < slope) slope = s, steepest = i;
  }
  r.min_loss_lr = r.lr[at_min];
  r.steepest_lr = r.lr[std::min(steepest, n - 1)];
  r.suggested_lr = r.min_loss_lr / 10.0;
  r.rule = "lr at the minimum of the smoothed loss / 10";
  return r;
}

}  // namespace plateau
