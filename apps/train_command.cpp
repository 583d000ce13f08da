// plateau train: trains a model on Fashion-MNIST with Keras-style fit() and callbacks, evaluates it
// on the test set, and keeps everything in a run directory (run.json, metrics.csv, checkpoints,
// results.json, charts).
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include <zlib.h>

#include "apps/commands.h"
#include "apps/mpi_world.h"
#include "apps/run_directory.h"
#include "apps/run_files.h"
#include "apps/run_summary.h"
#include "apps/training_run.h"
#include "plateau/callbacks/callback_spec.h"
#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/lr_log.h"
#include "plateau/callbacks/plateau_schedule_callback.h"
#include "plateau/callbacks/progress_bar.h"
#include "plateau/callbacks/schedule_callback.h"
#include "plateau/callbacks/terminate_on_nan.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/threads.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/training/checkpoint_dir.h"
#include "plateau/training/setup.h"
#include "plateau/training/step_profiler.h"

namespace plateau::apps {
namespace {

namespace fs = std::filesystem;

std::string default_run_dir() {
  const std::time_t now = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "runs/%Y%m%d-%H%M%S", std::localtime(&now));
  std::string dir = buf;
  for (int i = 2; io::exists(dir); ++i) dir = std::string(buf) + "-" + std::to_string(i);
  return dir;
}

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_signal(int) { g_interrupted = 1; }

// While alive, SIGINT and SIGTERM only ask fit() to checkpoint and stop at the next batch.
struct InterruptsCheckpoint {
  InterruptsCheckpoint() {
    g_interrupted = 0;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  ~InterruptsCheckpoint() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

// `plateau train --profile`: the step profile, printed once after the first epoch (the profiler
// restores the model and optimizer, so training continues unchanged).
class ProfileAfterFirstEpoch : public Callback {
 public:
  ProfileAfterFirstEpoch(Model& model, const ImageDataset& data, int64_t batch_size)
      : model_(model), data_(data), batch_size_(batch_size) {}
  std::string name() const override { return "ProfileAfterFirstEpoch"; }
  void on_epoch_end(TrainingState& s) override {
    if (done_) return;
    done_ = true;
    const std::string profile = format_profile(profile_steps(model_, data_, batch_size_, 10));  // on every process
    if (s.writes_files) std::printf("Step profile after the first epoch:\n%s", profile.c_str());
  }

 private:
  Model& model_;
  const ImageDataset& data_;
  int64_t batch_size_;
  bool done_ = false;
};

nlohmann::json results_json(Model& model, CallbackList& callbacks, const Logs& test, int64_t test_samples,
                            double wall) {
  nlohmann::json results{{"test_loss", test.at("loss")},
                         {"test_accuracy", test.at("accuracy")},
                         {"test_samples", test_samples},
                         {"epochs_run", callbacks.history().epochs.size()},
                         {"wall_seconds", wall},
                         {"lr_changes", lr_changes_to_json(model.state().lr_changes)}};
  if (auto* stopper = callbacks.find<callbacks::EarlyStopping>()) {
    results["stopped_epoch"] = stopper->stopped_epoch() > 0 ? nlohmann::json(stopper->stopped_epoch()) : nullptr;
    results["restored_epoch"] = stopper->options().restore_best_weights && stopper->has_best_weights()
                                    ? nlohmann::json(stopper->best_epoch())
                                    : nullptr;
  }
  return results;
}

// --resume-weights-only: another run's latest weights and optimizer state, for a new run.
std::string load_weights_and_optimizer(Model& model, const std::string& run_dir) {
  std::string used;
  const auto from = CheckpointDir((fs::path(run_dir) / "checkpoints").string()).latest(nullptr, &used);
  PLATEAU_CHECK(from.has_value(), "--resume-weights-only: no checkpoints in '", printable(run_dir, 200), "/checkpoints'");
  model.net().load_state_dict(from->model, from->source);
  model.optimizer().load_state_dict(from->optimizer);
  return "Starting from the weights and optimizer state of " + used;
}

// After fit(): an interruption (exit 130) or a NaN loss (exit 3, with the charts) says so; a finished
// run is evaluated on the test set and writes results.json, its final weights and its charts.
void finish_run(Model& m, CallbackList& callbacks, const ImageDataset& test, const Options& o, double wall) {
  const bool writes = m.state().writes_files;  // rank 0 of a data-parallel run prints and writes for all
  if (m.interrupted()) {
    if (writes)
      std::fprintf(stderr, "plateau: interrupted at epoch %lld, batch %lld; checkpoint saved. Resume with: plateau "
                         "train --resume %s\n",
                 static_cast<long long>(m.state().epoch + 1), static_cast<long long>(m.state().batch + 1),
                 o.run_dir.c_str());
    throw CLI::RuntimeError(130);
  }
  if (const auto* nan = callbacks.find<callbacks::TerminateOnNaN>(); nan && nan->terminated()) {
    if (!writes) throw CLI::RuntimeError(3);
    write_run_charts(read_run(o.run_dir));
    std::fprintf(stderr, "plateau: the loss became %s at epoch %lld, batch %lld (lr %g); training stopped. The "
                         "charts of what was learned before are in %s; try a lower --lr\n",
                 nan->loss_text().c_str(), static_cast<long long>(m.state().epoch + 1),
                 static_cast<long long>(m.state().batch + 1), m.state().lr(), o.run_dir.c_str());
    throw CLI::RuntimeError(3);
  }

  const Logs result = m.evaluate(test, o.batch_size);  // on every process of a data-parallel run
  if (!writes) return;
  std::printf("Test: loss %.4f - accuracy %.4f (%lld images)\n", result.at("loss"), result.at("accuracy"),
              static_cast<long long>(test.count));
  const fs::path dir(o.run_dir);
  io::write_file_atomically((dir / "results.json").string(),
                            results_json(m, callbacks, result, test.count, wall).dump(2) + "\n");
  save_weights(m.net(), (dir / "final.safetensors").string());
  if (!o.save_weights.empty()) save_weights(m.net(), o.save_weights);
  write_run_charts(read_run(o.run_dir));
  std::printf("Run directory: %s\n", o.run_dir.c_str());
}

}  // namespace

CallbackList make_run_callbacks(const Options& o, int verbose, Model& model, const ImageDataset& train,
                                RunDirectory& run, const nlohmann::json& run_info) {
  CallbackList callbacks(make_callbacks(o.callbacks, run.path()));
  if (!o.schedule.is_null()) {
    if (is_plateau_spec(o.schedule)) {
      callbacks.add(std::make_unique<callbacks::PlateauScheduleCallback>(o.schedule));
    } else {
      callbacks.add(std::make_unique<callbacks::ScheduleCallback>(o.schedule));
    }
  }
  if (!callbacks.find<callbacks::TerminateOnNaN>()) callbacks.add_tail(std::make_unique<callbacks::TerminateOnNaN>());
  callbacks.add_tail(std::make_unique<callbacks::ProgressBar>(verbose, isatty(STDOUT_FILENO)));
  callbacks.add_tail(std::make_unique<callbacks::LrLog>());
  if (o.profile) callbacks.add_tail(std::make_unique<ProfileAfterFirstEpoch>(model, train, o.batch_size));
  callbacks.add_tail(std::make_unique<RunFiles>(run, run_info, !o.resume.empty()));
  return callbacks;
}

std::unique_ptr<Model> model_for(const Options& o) {
  return build_compiled_model({.spec = resolve_model_spec(o.model),
                               .input_shape = Shape(parse_shape_list(o.input_shape, "--input-shape")),
                               .seed = static_cast<uint64_t>(o.seed),
                               .weights = o.init_weights,
                               .optimizer = o.optimizer,
                               .lr = o.lr,
                               .loss = o.loss,
                               .dtype_policy = o.dtype_policy});
}

Options with_absolute_paths(Options o) {
  auto absolute = [](std::string& p) {
    std::error_code ec;
    if (!p.empty()) p = fs::absolute(p, ec).lexically_normal().string();
  };
  absolute(o.data);
  absolute(o.init_weights);
  absolute(o.save_weights);
  if (io::is_regular_file(o.model)) absolute(o.model);
  return o;
}

Options resume_options(const std::string& run_dir) {
  const std::string run_json = (fs::path(run_dir) / "run.json").string();
  PLATEAU_CHECK(io::is_regular_file(run_json), "--resume: '", printable(run_dir, 200),
                "' has no run.json; is it a run directory?");
  const std::string source = "'" + printable(run_json, 200) + "'";
  const nlohmann::json j = parse_json_text(io::read_file(run_json, 16 << 20), source);
  Options o;
  o.apply_json(JsonField(j, source).at("config").expect_object().value(), source + " config");
  o.run_dir = run_dir;
  o.resume = run_dir;
  return o;
}

// A data set's contents in one number (CRC-32 of its pixels and labels), to compare across processes.
uint32_t data_fingerprint(const ImageDataset& d) {
  uLong crc = crc32_z(0L, d.pixels.data(), d.pixels.size());
  return static_cast<uint32_t>(crc32_z(crc, d.labels.data(), d.labels.size()));
}

// Under mpirun every process must train the same run on the same data: each compares its options (those
// of the run, not of the session such as --threads) and data with rank 0's. A process that differs says
// how in one line; then all end (exit 2) before anything is written.
void check_same_run_everywhere(ProcessGroup& world, const Options& o, const ImageDataset& train,
                               const ImageDataset& test) {
  nlohmann::json mine = o.to_json();
  for (const char* session : {"threads", "verbose"}) mine.erase(session);
  mine["resume"] = o.resume;
  mine["train data (CRC-32)"] = data_fingerprint(train);
  mine["test data (CRC-32)"] = data_fingerprint(test);
  const nlohmann::json root = nlohmann::json::parse(world.broadcast(mine.dump()));
  std::vector<std::string> differ;
  for (const auto& [key, value] : mine.items())
    if (!root.contains(key) || root.at(key) != value)
      differ.push_back(key + " " + value.dump() + " (rank 0: " + (root.contains(key) ? root.at(key).dump() : "none") + ")");
  if (!differ.empty()) {
    std::fprintf(stderr, "plateau: rank %d was started with other options or data than rank 0: %s\n", world.rank(),
                 join(differ, "; ").c_str());
    std::fflush(stderr);
  }
  if (!world.all_true(differ.empty())) {
    std::fflush(stdout);
    throw CLI::RuntimeError(2);  // said above, by the process that differs
  }
}

void run_training(Options o, ProcessGroup* const mpi) {
  if (o.threads > 0) set_num_threads(static_cast<int>(o.threads));
  const bool rank0 = !mpi || mpi->rank() == 0;
  // Other processes of a data-parallel run say nothing: rank 0 speaks for all.
  const int verbose = !rank0 ? 0 : o.verbose >= 0 ? static_cast<int>(o.verbose) : (isatty(STDOUT_FILENO) ? 1 : 2);
  auto print = [verbose](const std::string& line) {
    if (verbose > 0) std::printf("%s\n", line.c_str());
  };
  PLATEAU_CHECK(o.resume.empty() || o.resume_weights_only.empty(), "give --resume or --resume-weights-only, not both");

  // Everything is checked before anything is written.
  const ImageDataset train = load_data({.dir = o.data, .split = "train", .limit = o.limit});
  const ImageDataset test = load_data({.dir = o.data, .split = "test"});
  std::unique_ptr<Model> model = model_for(o);
  model->set_data_parallel({.group = mpi,
                            .shards = static_cast<int>(o.batch_shards),
                            .reduction = o.allreduce == "fast" ? ops::Reduction::Fast : ops::Reduction::Exact});
  if (!o.resume_weights_only.empty()) print(load_weights_and_optimizer(*model, o.resume_weights_only));
  if (o.run_dir.empty()) {
    PLATEAU_CHECK(!mpi, "under mpirun, give every process the same --run-dir");
    o.run_dir = default_run_dir();
  }
  RunDirectory run(o.run_dir, !o.resume.empty() ? RunDirectory::Mode::Resume
                              : o.overwrite     ? RunDirectory::Mode::Overwrite
                                                : RunDirectory::Mode::Fresh);
  // A new run (fresh or --overwrite) only saves into its checkpoints/: what an earlier run left there is
  // deleted when the directory is claimed, never resumed.
  CheckpointDir checkpoints((fs::path(o.run_dir) / "checkpoints").string(),
                            {.keep_last = o.keep_last, .restore = !o.resume.empty(), .config = o.to_json()});
  PLATEAU_CHECK(o.resume.empty() || !checkpoints.files().empty(), "--resume: no checkpoints in '",
                printable(checkpoints.dir(), 200), "'");
  nlohmann::json run_info = RunFiles::machine_info();
  run_info["config"] = o.to_json();
  run_info["processes"] = mpi ? mpi->size() : 1;
  run_info["resolved"] = {{"model", model->net().spec()},
                          {"optimizer", model->optimizer().config()},
                          {"data", o.data.empty() ? default_data_dir() : o.data},
                          {"train_samples", train.count},
                          {"test_samples", test.count}};
  CallbackList callbacks = make_run_callbacks(o, verbose, *model, train, run, run_info);
  // Every process has checked what it can; rank 0 claims the run directory only after this.
  if (mpi) check_same_run_everywhere(*mpi, o, train, test);

  const int64_t stop_after = o.stop_after_batches;
  Model& m = *model;
  const FitOptions fit{.batch_size = o.batch_size,
                       .epochs = o.epochs,
                       .validation_split = o.validation_split,
                       .validation_freq = o.validation_freq,
                       .shuffle = o.shuffle,
                       .seed = static_cast<uint64_t>(o.seed),
                       .print = print,
                       .warn = [](const std::string& w) { std::fprintf(stderr, "plateau: warning: %s\n", w.c_str()); },
                       .checkpoints = &checkpoints,
                       .checkpoint_every_batches = o.checkpoint_every_batches,
                       .interrupt = [&m, stop_after, mpi] {
                         const bool stop = g_interrupted != 0 || (stop_after > 0 && m.state().global_step >= stop_after);
                         return mpi ? !mpi->all_true(!stop) : stop;  // one process interrupted stops all together
                       }};
  const auto start = std::chrono::steady_clock::now();
  try {
    const InterruptsCheckpoint interrupts;
    m.fit(train, fit, callbacks);
  } catch (const Error& e) {
    run.fail(e.what());
    throw;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fflush(stdout);
  finish_run(m, callbacks, test, o, wall);
}

void run_train_command(const CommandOptions& flags) {
  Options o;
  if (!flags.given("--resume")) {
    o = with_absolute_paths(flags.resolve());
  } else {
    // The run's own options, from its run.json; flags (and a --config file) may only repeat them.
    const Options run = with_absolute_paths(resume_options(flags.resolve().resume));
    o = run;
    const Options given = flags.resolve();
    if (!given.config.empty()) o.apply_json(read_config_file(given.config), "--config '" + printable(given.config) + "'");
    flags.apply_flags(o);
    o = with_absolute_paths(o);
    const std::vector<std::string> differ = config_differences(run, o);
    PLATEAU_CHECK(differ.empty(), "--resume: the options given conflict with the run's config: ", join(differ, "; "),
                  "; use --resume-weights-only to continue with new settings");
    o.run_dir = run.run_dir;
  }
  run_training(o, world());
}

}  // namespace plateau::apps
