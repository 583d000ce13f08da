#include "apps/train_config.h"

#include <fstream>

#include "core/error.h"
#include "core/spec_args.h"
#include "optim/optimizer_spec.h"
#include "schedulers/schedule_spec.h"
#include "callbacks/callback_spec.h"

namespace plateau::apps {

using nlohmann::json;

json TrainConfig::to_json() const {
  json j{{"model", model},
         {"optimizer", optimizer},
         {"schedule", schedule},
         {"callbacks", callbacks},
         {"loss", loss},
         {"epochs", epochs},
         {"batch_size", batch_size},
         {"validation_split", validation_split},
         {"validation_freq", validation_freq},
         {"seed", seed},
         {"threads", threads},
         {"limit", limit},
         {"shuffle", shuffle},
         {"init_weights", init_weights},
         {"save_weights", save_weights},
         {"run_dir", run_dir},
         {"data", data},
         {"verbose", verbose},
         {"input_shape", input_shape}};
  j["lr"] = lr ? json(*lr) : json(nullptr);
  return j;
}

void TrainConfig::apply_json(const json& j) {
  SpecArgs a(j, "train config",
             {"model", "optimizer", "lr", "schedule", "callbacks", "loss", "epochs", "batch_size", "validation_split",
              "validation_freq", "seed", "threads", "limit", "shuffle", "init_weights", "save_weights", "run_dir",
              "data", "verbose", "input_shape"},
             {});
  if (a.has("model")) model = j["model"].is_string() ? j["model"].get<std::string>() : j["model"].dump();
  if (a.has("optimizer")) optimizer = normalize_optimizer_spec(j["optimizer"]);
  if (a.has("lr")) lr = a.number("lr", 0);
  if (j.contains("schedule")) schedule = j["schedule"].is_string() ? parse_schedule_spec(j["schedule"].get<std::string>())
                                                                     : j["schedule"];
  if (a.has("callbacks")) {
    callbacks = j["callbacks"];
    PLATEAU_CHECK(callbacks.is_array(), "train config: callbacks must be a list, got ", callbacks.dump());
  }
  loss = a.text("loss", loss);
  epochs = a.integer64("epochs", epochs);
  batch_size = a.integer64("batch_size", batch_size);
  validation_split = a.number("validation_split", validation_split);
  validation_freq = a.integer64("validation_freq", validation_freq);
  seed = static_cast<uint64_t>(a.integer64("seed", static_cast<int64_t>(seed)));
  threads = a.integer("threads", threads);
  limit = a.integer64("limit", limit);
  shuffle = a.boolean("shuffle", shuffle);
  init_weights = a.text("init_weights", init_weights);
  save_weights = a.text("save_weights", save_weights);
  run_dir = a.text("run_dir", run_dir);
  data = a.text("data", data);
  verbose = a.integer("verbose", verbose);
  input_shape = a.text("input_shape", input_shape);
}

void TrainFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--config", config, "a JSON file holding any of the options below (flags win)");
  cmd.add_option("--model", model, "seed-cnn (default), mlp, vgg-mini, a JSON file or inline JSON");
  cmd.add_option("--optimizer", optimizer, "optimizer name or spec (default keras.Adam, lr 1e-3)");
  cmd.add_option("--lr", lr, "learning rate (overrides the optimizer spec's)");
  cmd.add_option("--schedule", schedule, "scheduler spec, e.g. '{\"name\":\"StepLR\",\"step_size\":4}'");
  cmd.add_option("--callbacks", callbacks, "JSON list of Keras callbacks");
  cmd.add_option("--loss", loss, "sparse_categorical_crossentropy (default), categorical_crossentropy, mse");
  cmd.add_option("--epochs", epochs, "epochs to train (default 12)");
  cmd.add_option("--batch-size", batch_size, "batch size (default 128)");
  cmd.add_option("--validation-split", validation_split, "fraction held out for validation (default 0.2)");
  cmd.add_option("--validation-freq", validation_freq, "validate every N epochs (default 1)");
  cmd.add_option("--seed", seed, "seed for weights, shuffling and dropout (default 42)");
  cmd.add_option("--threads", threads, "threads (default PLATEAU_NUM_THREADS or all cores)");
  cmd.add_option("--limit", limit, "use only the first N training images");
  cmd.add_flag("--no-shuffle", no_shuffle, "keep the training order");
  cmd.add_option("--init-weights", init_weights, "start from these weights (.safetensors)");
  cmd.add_option("--save-weights", save_weights, "write the final weights here (.safetensors)");
  cmd.add_option("--run-dir", run_dir, "run directory (default runs/<date>-<time>)");
  cmd.add_option("--verbose", verbose, "0 silent, 1 progress bar, 2 one line per epoch")
      ->check(CLI::Range(0, 2));
  cmd.add_option("--data", data, "Fashion-MNIST directory (default $PLATEAU_DATA or the Debian package's)");
  cmd.add_option("--input-shape", input_shape, "per-sample input shape H,W,C (default 28,28,1)");
  cmd.add_option("--resume", resume, "continue the run in RUN_DIR exactly where its last complete checkpoint left off");
  cmd.add_option("--resume-weights-only", resume_weights_only,
                 "start a new run (new schedule and callbacks) from RUN_DIR's latest weights and optimizer state");
  cmd.add_option("--checkpoint-every-batches", checkpoint_every_batches,
                 "also checkpoint every N batches (default: at every epoch end only)");
  cmd.add_option("--keep-last", keep_last, "training checkpoints to keep (default 2)");
  cmd.add_flag("--profile", profile, "after the first epoch, print the per-layer step profile (plateau profile)");
  cmd.add_option("--stop-after-batches", stop_after_batches,
                 "stop as an interruption does after N batches in all (for testing resume)");
}

std::vector<std::string> TrainFlags::given_keys(const CLI::App& cmd) const {
  const std::vector<std::pair<const char*, const char*>> flags{
      {"--model", "model"},           {"--optimizer", "optimizer"},   {"--lr", "lr"},
      {"--schedule", "schedule"},     {"--callbacks", "callbacks"},   {"--loss", "loss"},
      {"--epochs", "epochs"},         {"--batch-size", "batch_size"}, {"--validation-split", "validation_split"},
      {"--validation-freq", "validation_freq"}, {"--seed", "seed"},   {"--limit", "limit"},
      {"--no-shuffle", "shuffle"},    {"--init-weights", "init_weights"}, {"--save-weights", "save_weights"},
      {"--data", "data"},             {"--input-shape", "input_shape"}};
  std::vector<std::string> keys;
  for (const auto& [flag, key] : flags)
    if (cmd.count(flag) > 0) keys.push_back(key);
  return keys;
}

void TrainFlags::apply_to(const CLI::App& cmd, TrainConfig& c) const {
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--model")) c.model = model;
  if (given("--optimizer")) c.optimizer = parse_optimizer_spec(optimizer);
  if (given("--lr")) c.lr = lr;
  if (given("--schedule")) c.schedule = parse_schedule_spec(schedule);
  if (given("--callbacks")) c.callbacks = parse_callbacks_spec(callbacks);
  if (given("--loss")) c.loss = loss;
  if (given("--epochs")) c.epochs = epochs;
  if (given("--batch-size")) c.batch_size = batch_size;
  if (given("--validation-split")) c.validation_split = validation_split;
  if (given("--validation-freq")) c.validation_freq = validation_freq;
  if (given("--seed")) c.seed = seed;
  if (given("--threads")) c.threads = threads;
  if (given("--limit")) c.limit = limit;
  if (no_shuffle) c.shuffle = false;
  if (given("--init-weights")) c.init_weights = init_weights;
  if (given("--save-weights")) c.save_weights = save_weights;
  if (given("--run-dir")) c.run_dir = run_dir;
  if (given("--verbose")) c.verbose = verbose;
  if (given("--data")) c.data = data;
  if (given("--input-shape")) c.input_shape = input_shape;
}

}  // namespace plateau::apps
