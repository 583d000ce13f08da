// plateau lr-find [--model M] [--optimizer O] [--lr-range 1e-7,1] [--steps N] [--limit N] [--run-dir DIR]
//                 [--then one-cycle --epochs E]
// The LR range test: prints the suggested max lr and the rule used, writes lr_find.csv and
// lr_find.svg, and leaves the model as it was (training/lr_finder.h).
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "apps/commands.h"
#include "apps/svg_chart.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/threads.h"
#include "datasets/image_dataset.h"
#include "layers/model_spec.h"
#include "optim/optimizer_spec.h"
#include "training/lr_finder.h"

namespace plateau::apps {

void add_lr_find_command(CLI::App& app) {
  struct Options {
    std::string model = "seed-cnn", optimizer = "keras.Adam", run_dir, data, then;
    double start_lr = 1e-7, end_lr = 1.0;
    int64_t steps = 100, limit = 0, batch_size = 128, epochs = 12;
    uint64_t seed = 42;
    int threads = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("lr-find", "LR range test: suggest a max learning rate");
  cmd->add_option("--model", o->model, "model (default seed-cnn)");
  cmd->add_option("--optimizer", o->optimizer, "optimizer name or spec (default keras.Adam)");
  cmd->add_option("--start-lr", o->start_lr, "first lr (default 1e-7)");
  cmd->add_option("--end-lr", o->end_lr, "last lr (default 1)");
  cmd->add_option("--steps", o->steps, "batches to train (default 100)");
  cmd->add_option("--batch-size", o->batch_size, "batch size (default 128)");
  cmd->add_option("--limit", o->limit, "use only the first N training images");
  cmd->add_option("--seed", o->seed, "seed (default 42)");
  cmd->add_option("--threads", o->threads, "threads");
  cmd->add_option("--data", o->data, "Fashion-MNIST directory");
  cmd->add_option("--run-dir", o->run_dir, "where to write lr_find.csv and lr_find.svg (default runs/lr-find-<time>)");
  cmd->add_option("--then", o->then, "one-cycle: print the OneCycleLR spec the suggestion leads to")
      ->check(CLI::IsMember({"one-cycle"}));
  cmd->add_option("--epochs", o->epochs, "epochs for the --then one-cycle spec (default 12)");
  cmd->callback([o] {
    if (o->threads > 0) set_num_threads(o->threads);
    ImageDataset train = load_mnist_format(o->data.empty() ? default_data_dir() : o->data, "train");
    if (o->limit > 0) train = train.slice(0, std::min(o->limit, train.count));
    auto net = build_model(resolve_model_spec(o->model), {28, 28, 1}, o->seed);
    auto optimizer = make_optimizer(parse_optimizer_spec(o->optimizer), net->parameters());
    Model model(std::move(net));
    model.compile(std::move(optimizer), Loss("sparse_categorical_crossentropy"));
    const LrFinderResult r =
        find_lr(model, train, {o->start_lr, o->end_lr, o->steps, o->batch_size, o->seed, 0.98, 4.0});

    std::string dir = o->run_dir;
    if (dir.empty()) {
      char buf[64];
      const std::time_t now = std::time(nullptr);
      std::strftime(buf, sizeof buf, "runs/lr-find-%Y%m%d-%H%M%S", std::localtime(&now));
      dir = buf;
    }
    std::filesystem::create_directories(dir);
    std::string csv = "step,lr,loss,smoothed_loss\n";
    char line[128];
    for (size_t i = 0; i < r.lr.size(); ++i) {
      std::snprintf(line, sizeof line, "%zu,%.6g,%.6g,%.6g\n", i, r.lr[i], r.loss[i], r.smoothed[i]);
      csv += line;
    }
    io::write_file_atomically((std::filesystem::path(dir) / "lr_find.csv").string(), csv);
    ChartOptions chart;
    chart.title = "LR range test (" + std::to_string(r.lr.size()) + " steps)";
    chart.x_label = "learning rate (log scale)";
    chart.y_label = "training loss";
    chart.log_x = true;
    chart.markers = {{r.suggested_lr, "suggested"}, {r.min_loss_lr, "minimum"}};
    io::write_file_atomically((std::filesystem::path(dir) / "lr_find.svg").string(),
                              render_svg_chart({{"loss", r.lr, r.loss}, {"smoothed loss", r.lr, r.smoothed}}, chart));

    std::printf("LR range test: %zu steps from %g to %g%s\n", r.lr.size(), o->start_lr, r.lr.back(),
                r.diverged ? " (stopped: the smoothed loss diverged)" : "");
    std::printf("minimum of the smoothed loss at lr %.3g; steepest descent at lr %.3g\n", r.min_loss_lr, r.steepest_lr);
    std::printf("suggested max lr: %.3g (%s)\n", r.suggested_lr, r.rule.c_str());
    std::printf("curve: %s/lr_find.csv, %s/lr_find.svg\n", dir.c_str(), dir.c_str());
    if (o->then == "one-cycle") {
      const int64_t n = train.count, steps = (static_cast<int64_t>(std::ceil(n * 0.8)) + o->batch_size - 1) / o->batch_size;
      std::printf("%s\n", nlohmann::json{{"name", "OneCycleLR"}, {"max_lr", r.suggested_lr}, {"epochs", o->epochs},
                                         {"steps_per_epoch", steps}}
                              .dump()
                              .c_str());
    }
  });
}

}  // namespace plateau::apps
