// plateau train: trains a model on Fashion-MNIST with Keras-style fit() and callbacks, evaluates it
// on the test set, and keeps everything in a run directory (run.json, metrics.csv, checkpoints,
// results.json).
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <memory>

#include "apps/commands.h"
#include "apps/run_files.h"
#include "apps/run_summary.h"
#include "apps/training_run.h"
#include "apps/train_config.h"
#include "callbacks/callback_spec.h"
#include "callbacks/early_stopping.h"
#include "callbacks/lr_log.h"
#include "callbacks/progress_bar.h"
#include "callbacks/plateau_schedule_callback.h"
#include "callbacks/schedule_callback.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/threads.h"
#include "datasets/image_dataset.h"
#include "layers/model_spec.h"
#include "layers/weights.h"
#include "optim/optimizer_spec.h"
#include "schedulers/schedule_spec.h"
#include "training/checkpoint.h"
#include "training/model.h"
#include "training/step_profiler.h"

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

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_signal(int) { g_interrupted = 1; }

std::filesystem::path checkpoint_dir(const std::string& run_dir) {
  return std::filesystem::path(run_dir) / "checkpoints";
}

// checkpoints/ckpt-e0003-b000120.safetensors: epoch and next batch of the cursor, so names sort in time.
std::string checkpoint_name(const FitCursor& c) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "ckpt-e%04lld-b%06lld%s.safetensors", static_cast<long long>(c.epoch),
                static_cast<long long>(c.batch), c.finished ? "-final" : "");
  return buf;
}

std::vector<std::filesystem::path> list_checkpoints(const std::string& run_dir) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(checkpoint_dir(run_dir)))
    for (const auto& e : std::filesystem::directory_iterator(checkpoint_dir(run_dir))) {
      const std::string name = e.path().filename().string();
      if (name.rfind("ckpt-", 0) == 0 && e.path().extension() == ".safetensors") files.push_back(e.path());
    }
  std::sort(files.begin(), files.end());
  return files;
}

// The newest checkpoint that reads back completely; a corrupt one is skipped with a warning.
TrainingCheckpoint latest_checkpoint(const std::string& run_dir, std::string* used) {
  PLATEAU_CHECK(std::filesystem::is_directory(run_dir), "--resume: '", run_dir, "' is not a run directory");
  const auto files = list_checkpoints(run_dir);
  PLATEAU_CHECK(!files.empty(), "--resume: no checkpoints in '", checkpoint_dir(run_dir).string(), "'");
  std::vector<std::string> failures;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    try {
      TrainingCheckpoint c = read_checkpoint(it->string());
      for (const auto& f : failures) std::fprintf(stderr, "plateau: warning: %s; using an older checkpoint\n", f.c_str());
      *used = it->string();
      return c;
    } catch (const Error& e) {
      failures.push_back(e.what());
    }
  }
  throw Error(cat("--resume: no complete checkpoint in '", checkpoint_dir(run_dir).string(), "': ", join(failures, "; ")));
}

void prune_checkpoints(const std::string& run_dir, int64_t keep_last) {
  const auto files = list_checkpoints(run_dir);
  for (size_t i = 0; i + static_cast<size_t>(keep_last) < files.size(); ++i) std::filesystem::remove(files[i]);
}

// `plateau train --profile`: the step profile, printed once after the first epoch (the profiler
// restores the model and optimizer, so training continues unchanged).
class ProfileAfterFirstEpoch : public Callback {
 public:
  ProfileAfterFirstEpoch(Model& model, const ImageDataset& data, int64_t batch_size)
      : model_(model), data_(data), batch_size_(batch_size) {}
  std::string name() const override { return "ProfileAfterFirstEpoch"; }
  void on_epoch_end(TrainingState&) override {
    if (done_) return;
    done_ = true;
    std::printf("Step profile after the first epoch:\n%s", format_profile(profile_steps(model_, data_, batch_size_, 10)).c_str());
  }

 private:
  Model& model_;
  const ImageDataset& data_;
  int64_t batch_size_;
  bool done_ = false;
};

}  // namespace

nlohmann::json read_json_file(const std::string& path) {
  PLATEAU_CHECK(std::filesystem::is_regular_file(path), "--config '", path, "' does not exist");
  try {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat("--config '", path, "' is not valid JSON: ", e.what()));
  }
}

void run_training(TrainConfig c, const RunControl& control) {
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
  PLATEAU_CHECK(control.keep_last >= 1, "--keep-last must be at least 1, got ", control.keep_last);
  PLATEAU_CHECK(control.checkpoint_every_batches >= 0, "--checkpoint-every-batches must be non-negative, got ",
                control.checkpoint_every_batches);
  std::optional<TrainingCheckpoint> resume;
  std::string resumed_from;
  if (!control.resume_dir.empty()) {
    resume = latest_checkpoint(control.resume_dir, &resumed_from);
  }
  if (!control.weights_only_dir.empty()) {  // same weights and optimizer, new schedule and callbacks
    std::string used;
    const TrainingCheckpoint from = latest_checkpoint(control.weights_only_dir, &used);
    net->load_state_dict(from.model, "checkpoint '" + used + "'");
    optimizer->load_state_dict(from.optimizer);
    print("Starting from the weights and optimizer state of " + used);
  }
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
  if (control.profile) callbacks.add_tail(std::make_unique<ProfileAfterFirstEpoch>(model, train, c.batch_size));
  nlohmann::json run_info = RunFiles::machine_info();
  run_info["config"] = c.to_json();
  run_info["resolved"] = {{"model", model.net().spec()}, {"optimizer", optimizer_config}, {"data", data_dir},
                          {"train_samples", train.count}, {"test_samples", test.count}};
  callbacks.add_tail(std::make_unique<RunFiles>(c.run_dir, run_info, resume.has_value()));

  FitOptions fit;
  fit.batch_size = c.batch_size;
  fit.epochs = c.epochs;
  fit.validation_split = c.validation_split;
  fit.validation_freq = c.validation_freq;
  fit.shuffle = c.shuffle;
  fit.seed = c.seed;
  fit.print = print;
  if (resume) {
    fit.resume_from = &*resume;
    print("Resuming " + c.run_dir + " from " + resumed_from);
  }
  const nlohmann::json config_json = c.to_json();
  fit.checkpoint = [&](const FitCursor& cursor) {
    TrainingCheckpoint checkpoint = model.capture(callbacks, cursor);
    checkpoint.config = config_json;
    std::filesystem::create_directories(checkpoint_dir(c.run_dir));
    write_checkpoint((checkpoint_dir(c.run_dir) / checkpoint_name(cursor)).string(), checkpoint);
    prune_checkpoints(c.run_dir, control.keep_last);
  };
  fit.checkpoint_every_batches = control.checkpoint_every_batches;
  const int64_t stop_after = control.stop_after_batches;
  fit.interrupt = [&model, stop_after] {
    return g_interrupted != 0 || (stop_after > 0 && model.state().global_step >= stop_after);
  };
  g_interrupted = 0;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const auto start = std::chrono::steady_clock::now();
  const bool finished_already = resume && resume->cursor.finished;
  if (finished_already) {
    // Training had finished; only the final files may be missing (a kill right after the last
    // checkpoint): restore the final state and write them again.
    print("Run " + c.run_dir + " finished training already (" + resumed_from + "); writing its results");
    model.restore_model_and_optimizer(*resume);
    Model::restore_callbacks(*resume, callbacks);
  } else {
    model.fit(train, fit, callbacks);
  }
  const callbacks::History& history = callbacks.history();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (model.interrupted()) {
    std::fflush(stdout);
    std::fprintf(stderr, "plateau: interrupted at epoch %lld, batch %lld; checkpoint saved. Resume with: plateau "
                         "train --resume %s\n",
                 static_cast<long long>(model.state().epoch + 1), static_cast<long long>(model.state().batch + 1),
                 c.run_dir.c_str());
    throw CLI::RuntimeError(130);
  }

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
  write_run_charts(read_run(c.run_dir));
  std::printf("Run directory: %s\n", c.run_dir.c_str());
}

TrainConfig resume_config(const std::string& run_dir) {
  const auto run_json = std::filesystem::path(run_dir) / "run.json";
  PLATEAU_CHECK(std::filesystem::is_regular_file(run_json), "--resume: '", run_dir,
                "' has no run.json; is it a run directory?");
  TrainConfig config;
  config.apply_json(read_json_file(run_json.string()).at("config"));
  config.run_dir = run_dir;
  return config;
}

void add_train_command(CLI::App& app) {
  auto flags = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "Train a model on Fashion-MNIST (defaults: the seed notebook's CNN, "
                                              "Adam 1e-3, batch 128, 12 epochs, validation_split 0.2)");
  flags->add_to(*cmd);
  cmd->callback([flags, cmd] {
    const RunControl control{flags->resume, flags->resume_weights_only, flags->checkpoint_every_batches,
                             flags->keep_last, flags->stop_after_batches, flags->profile};
    PLATEAU_CHECK(control.resume_dir.empty() || control.weights_only_dir.empty(),
                  "give --resume or --resume-weights-only, not both");
    TrainConfig config;
    if (!control.resume_dir.empty()) {
      // The run's own config, from its run.json; flags may only repeat it.
      config = resume_config(control.resume_dir);
      TrainConfig wanted = config;
      if (!flags->config.empty()) wanted.apply_json(read_json_file(flags->config));
      flags->apply_to(*cmd, wanted);
      const nlohmann::json a = config.to_json(), b = wanted.to_json();
      std::vector<std::string> differ;
      for (const auto& [key, value] : a.items())
        if (key != "verbose" && key != "threads" && key != "run_dir" && b[key] != value)
          differ.push_back(cat(key, " (run: ", value.dump(), ", given: ", b[key].dump(), ")"));
      PLATEAU_CHECK(differ.empty(), "--resume: the options given conflict with the run's config: ", join(differ, "; "),
                    "; use --resume-weights-only to continue with new settings");
      config.verbose = wanted.verbose;
      config.threads = wanted.threads;
      config.run_dir = control.resume_dir;
    } else {
      if (!flags->config.empty()) config.apply_json(read_json_file(flags->config));
      flags->apply_to(*cmd, config);
    }
    run_training(config, control);
  });
}

}  // namespace plateau::apps
