// plateau train: trains a model on Fashion-MNIST with Keras-style fit() and callbacks, evaluates it
// on the test set, and keeps everything in a run directory (run.json, metrics.csv, checkpoints,
// results.json).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include "apps/commands.h"
#include "apps/run_files.h"
#include "apps/train_config.h"
#include "callbacks/callback_spec.h"
#include "callbacks/early_stopping.h"
#include "callbacks/lr_log.h"
#include "callbacks/progress_bar.h"
#include "callbacks/schedule_callback.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/threads.h"
#include "datasets/image_dataset.h"
#include "layers/model_spec.h"
#include "layers/weights.h"
#include "optim/optimizer_spec.h"
#include "schedulers/schedule_spec.h"
#include "training/model.h"

namespace plateau::apps {
namespace {

std::string default_run_dir() {
  const std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "runs/%Y%m%d-%H%M%S", std::localtime(&now));
  std::string dir = buf;
  for (int i = 2; std::filesystem::exists(dir); ++i) dir = std::string(buf) + "-" + std::to_string(i);
  return dir;
}

nlohmann::json read_json_file(const std::string& path) {
  PLATEAU_CHECK(std::filesystem::is_regular_file(path), "--config '", path, "' does not exist");
  try {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat("--config '", path, "' is not valid JSON: ", e.what()));
  }
}

void run_training(TrainConfig c) {
  if (c.threads > 0) set_num_threads(c.threads);
  const int verbose = c.verbose >= 0 ? c.verbose : (isatty(STDOUT_FILENO) ? 1 : 2);
  auto print = [verbose](const std::string& line) {
    if (verbose > 0) std::printf("%s\n", line.c_str());
  };

  // Everything is checked before anything is written.
  const std::string data_dir = c.data.empty() ? default_data_dir() : c.data;
  ImageDataset train = load_mnist_format(data_dir, "train");
  const ImageDataset test = load_mnist_format(data_dir, "test");
  PLATEAU_CHECK(c.limit >= 0, "--limit must be non-negative, got ", c.limit);
  if (c.limit > 0) train = train.slice(0, std::min(c.limit, train.count));
  const nlohmann::json model_spec = resolve_model_spec(c.model);
  auto net = build_model(model_spec, Shape(parse_shape_list(c.input_shape, "--input-shape")), c.seed);
  if (!c.init_weights.empty()) load_weights(*net, c.init_weights);
  auto optimizer = make_optimizer(c.optimizer, net->parameters(), c.lr);
  Model model(std::move(net));
  const nlohmann::json optimizer_config = optimizer->config();
  model.compile(std::move(optimizer), Loss(c.loss));
  if (c.run_dir.empty()) c.run_dir = default_run_dir();

  CallbackList callbacks(make_callbacks(c.callbacks, c.run_dir));
  if (!c.schedule.is_null()) {
    if (is_plateau_spec(c.schedule)) {
      callbacks.add(std::make_unique<callbacks::PlateauScheduleCallback>(c.schedule));
    } else {
      callbacks.add(std::make_unique<callbacks::ScheduleCallback>(c.schedule));
    }
  }
  callbacks.add_tail(std::make_unique<callbacks::ProgressBar>(verbose, isatty(STDOUT_FILENO)));
  callbacks.add_tail(std::make_unique<callbacks::LrLog>());
  nlohmann::json run_info = RunFiles::machine_info();
  run_info["config"] = c.to_json();
  run_info["resolved"] = {{"model", model.net().spec()}, {"optimizer", optimizer_config}, {"data", data_dir},
                          {"train_samples", train.count}, {"test_samples", test.count}};
  callbacks.add_tail(std::make_unique<RunFiles>(c.run_dir, run_info));

  FitOptions fit;
  fit.batch_size = c.batch_size;
  fit.epochs = c.epochs;
  fit.validation_split = c.validation_split;
  fit.validation_freq = c.validation_freq;
  fit.shuffle = c.shuffle;
  fit.seed = c.seed;
  fit.print = print;
  const auto start = std::chrono::steady_clock::now();
  const callbacks::History history = model.fit(train, fit, callbacks);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const Logs result = model.evaluate(test, c.batch_size);
  char line[160];
  std::snprintf(line, sizeof line, "Test: loss %.4f - accuracy %.4f (%lld images)", result.at("loss"),
                result.at("accuracy"), static_cast<long long>(test.count));
  std::printf("%s\n", line);

  nlohmann::json results{{"test_loss", result.at("loss")},
                         {"test_accuracy", result.at("accuracy")},
                         {"test_samples", test.count},
                         {"epochs_run", history.epochs.size()},
                         {"wall_seconds", wall},
                         {"lr_changes", nlohmann::json::array()}};
  for (const LrChange& ch : model.state().lr_changes)
    results["lr_changes"].push_back(
        {{"epoch", ch.epoch}, {"source", ch.source}, {"old_lr", ch.old_lr}, {"new_lr", ch.new_lr}, {"reason", ch.reason}});
  if (auto* stopper = callbacks.find<callbacks::EarlyStopping>()) {
    results["stopped_epoch"] = stopper->stopped_epoch() > 0 ? nlohmann::json(stopper->stopped_epoch()) : nullptr;
    results["restored_epoch"] = stopper->options().restore_best_weights && stopper->has_best_weights()
                                    ? nlohmann::json(stopper->best_epoch())
                                    : nullptr;
  }
  io::write_file_atomically((std::filesystem::path(c.run_dir) / "results.json").string(), results.dump(2) + "\n");
  save_weights(model.net(), (std::filesystem::path(c.run_dir) / "final.safetensors").string());
  if (!c.save_weights.empty()) save_weights(model.net(), c.save_weights);
  std::printf("Run directory: %s\n", c.run_dir.c_str());
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model on Fashion-MNIST (defaults: the seed notebook's CNN, "
                                              "Adam 1e-3, batch 128, 12 epochs, validation_split 0.2)");
  flags->add_to(*cmd);
  cmd->callback([flags, cmd] {
    TrainConfig config;
    if (!flags->config.empty()) config.apply_json(read_json_file(flags->config));
    flags->apply_to(*cmd, config);
    run_training(config);
  });
}

}  // namespace plateau::apps
