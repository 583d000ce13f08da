// plateau lr-find [--model M] [--optimizer O] [--start-lr 1e-7] [--end-lr 1] [--steps N] [--limit N]
//                 [--run-dir DIR] [--then one-cycle --epochs E]
// The LR range test: prints the suggested max lr and the rule used, writes lr_find.csv and
// lr_find.svg, and leaves the model as it was (training/lr_finder.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "apps/commands.h"
#include "apps/training_run.h"
#include "apps/svg_chart.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/threads.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/model_spec.h"
#include "plateau/training/lr_finder.h"
#include "plateau/training/setup.h"

namespace plateau::apps {
namespace {

// The loss against the lr on a log axis, the y axis clipped to the interesting range: from the lowest
// loss to the smoothed loss's level before its minimum (where the curve starts; at least 1.5x the
// minimum). The blow-up at the end, orders of magnitude higher, runs off the top instead of squashing
// the descent flat (as fastai's plot leaves out the last steps).
std::string lr_find_chart(const LrFinderResult& r) {
  ChartOptions chart;
  chart.title = "LR range test (" + std::to_string(r.lr.size()) + " steps)";
  chart.x_label = "learning rate (log scale)";
  chart.y_label = "training loss";
  chart.log_x = true;
  chart.markers = {{r.suggested_lr, "suggested"}, {r.min_loss_lr, "minimum"}};
  double lo = INFINITY, hi = -INFINITY, smallest = INFINITY;
  for (double v : r.smoothed)
    if (std::isfinite(v)) smallest = std::min(smallest, v);
  for (double v : r.smoothed) {  // the level before the minimum
    if (!std::isfinite(v)) continue;
    hi = std::max(hi, v);
    if (v == smallest) break;
  }
  for (double v : r.loss)
    if (std::isfinite(v)) lo = std::min(lo, v);
  hi = std::max(hi, 1.5 * smallest);
  if (std::isfinite(lo) && std::isfinite(hi) && hi > lo) {
    chart.y_min = lo - 0.05 * (hi - lo);
    chart.y_max = hi + 0.1 * (hi - lo);
  }
  return render_svg_chart({{"loss", r.lr, r.loss}, {"smoothed loss", r.lr, r.smoothed}}, chart);
}

}  // namespace

void run_lr_find_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  if (o.threads > 0) set_num_threads(static_cast<int>(o.threads));
  const ImageDataset train = load_data({.dir = o.data, .split = "train", .limit = o.limit});
  auto model = model_for(o);
  const LrFinderResult r = find_lr(*model, train,
                                   {.start_lr = o.start_lr,
                                    .end_lr = o.end_lr,
                                    .steps = o.steps,
                                    .batch_size = o.batch_size,
                                    .seed = static_cast<uint64_t>(o.seed)});

  std::string dir = o.run_dir;
  if (dir.empty()) {
    char buf[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(buf, sizeof buf, "runs/lr-find-%Y%m%d-%H%M%S", std::localtime(&now));
    dir = buf;
  }
  io::create_directories(dir);
  std::string csv = "step,lr,loss,smoothed_loss\n";
  char line[128];
  for (size_t i = 0; i < r.lr.size(); ++i) {
    std::snprintf(line, sizeof line, "%zu,%.6g,%.6g,%.6g\n", i, r.lr[i], r.loss[i], r.smoothed[i]);
    csv += line;
  }
  io::write_file_atomically((std::filesystem::path(dir) / "lr_find.csv").string(), csv);
  io::write_file_atomically((std::filesystem::path(dir) / "lr_find.svg").string(), lr_find_chart(r));

  std::printf("LR range test: %zu steps from %g to %g%s\n", r.lr.size(), o.start_lr, r.lr.back(),
              r.diverged ? " (stopped: the smoothed loss diverged)" : "");
  std::printf("minimum of the smoothed loss at lr %.3g; steepest descent at lr %.3g\n", r.min_loss_lr, r.steepest_lr);
  std::printf("suggested max lr: %.3g (%s)\n", r.suggested_lr, r.rule.c_str());
  std::printf("curve: %s/lr_find.csv, %s/lr_find.svg\n", dir.c_str(), dir.c_str());
  if (o.then == "one-cycle") {  // the steps of a run on these images with Keras' validation_split of 0.2
    const int64_t train_rows = static_cast<int64_t>(std::floor(train.count * 0.8));
    const int64_t steps = (train_rows + o.batch_size - 1) / o.batch_size;
    std::printf("%s\n", nlohmann::json{{"name", "OneCycleLR"}, {"max_lr", r.suggested_lr}, {"epochs", o.epochs},
                                       {"steps_per_epoch", steps}}
                            .dump()
                            .c_str());
  }
}

}  // namespace plateau::apps
