#include "plateau/callbacks/callback_spec.h"

#include <filesystem>

#include "plateau/callbacks/csv_logger.h"
#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/learning_rate_scheduler.h"
#include "plateau/callbacks/model_checkpoint.h"
#include "plateau/callbacks/reduce_lr_on_plateau.h"
#include "plateau/callbacks/plateau_schedule_callback.h"
#include "plateau/callbacks/schedule_callback.h"
#include "plateau/callbacks/terminate_on_nan.h"
#include "plateau/core/error.h"
#include "plateau/core/json_field.h"
#include "plateau/core/spec_args.h"
#include "plateau/core/spec_table.h"
#include "plateau/schedulers/schedule_spec.h"

namespace plateau {
namespace {

using nlohmann::json;

std::string inside(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// Where a callback writes: its relative paths inside the run directory; nothing in a dry run.
struct Place {
  std::string base_dir;
  bool dry_run;
};

// Each maker reads its keys with the options struct's defaults (Keras' own).
std::unique_ptr<Callback> make_reduce_lr_on_plateau(const SpecArgs& a, const Place&) {
  const callbacks::ReduceLROnPlateauOptions d;
  return std::make_unique<callbacks::ReduceLROnPlateau>(
      callbacks::ReduceLROnPlateauOptions{.monitor = a.text("monitor", d.monitor),
                                          .factor = a.number("factor", d.factor),
                                          .patience = a.integer64("patience", d.patience),
                                          .mode = a.text("mode", d.mode),
                                          .min_delta = a.number("min_delta", d.min_delta),
                                          .cooldown = a.integer64("cooldown", d.cooldown),
                                          .min_lr = a.number("min_lr", d.min_lr)});
}

std::unique_ptr<Callback> make_early_stopping(const SpecArgs& a, const Place&) {
  const callbacks::EarlyStoppingOptions d;
  return std::make_unique<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
      .monitor = a.text("monitor", d.monitor),
      .min_delta = a.number("min_delta", d.min_delta),
      .patience = a.integer64("patience", d.patience),
      .mode = a.text("mode", d.mode),
      .baseline = a.optional_number("baseline", d.baseline),
      .restore_best_weights = a.boolean("restore_best_weights", d.restore_best_weights),
      .start_from_epoch = a.integer64("start_from_epoch", d.start_from_epoch)});
}

std::unique_ptr<Callback> make_model_checkpoint(const SpecArgs& a, const Place& place) {
  const callbacks::ModelCheckpointOptions d;
  a.require("filepath");
  callbacks::ModelCheckpointOptions o{.filepath = inside(place.base_dir, a.text("filepath", d.filepath)),
                                      .monitor = a.text("monitor", d.monitor),
                                      .save_best_only = a.boolean("save_best_only", d.save_best_only),
                                      .save_weights_only = a.boolean("save_weights_only", d.save_weights_only),
                                      .mode = a.text("mode", d.mode)};
  if (a.has("save_freq") && !(a.raw("save_freq").is_string() && a.raw("save_freq") == "epoch")) {
    o.save_freq = a.integer64("save_freq", d.save_freq);
    PLATEAU_CHECK(o.save_freq > 0, "ModelCheckpoint: save_freq must be \"epoch\" or a positive integer, got ",
                  a.raw("save_freq").dump());
  }
  o.initial_value_threshold = a.optional_number("initial_value_threshold", d.initial_value_threshold);
  o.dry_run = place.dry_run;
  return std::make_unique<callbacks::ModelCheckpoint>(o);
}

std::unique_ptr<Callback> make_learning_rate_scheduler(const SpecArgs& a, const Place&) {
  const json& schedule = a.raw("schedule");
  if (schedule.is_string()) return std::make_unique<callbacks::LearningRateScheduler>(schedule.get<std::string>());
  PLATEAU_CHECK(schedule.is_object(), "LearningRateScheduler: schedule must be an expression over epoch and lr, or ",
                "a scheduler spec object, got ", json_for_message(schedule));
  if (is_plateau_spec(schedule)) return std::make_unique<callbacks::PlateauScheduleCallback>(schedule);
  return std::make_unique<callbacks::ScheduleCallback>(schedule);
}

std::unique_ptr<Callback> make_csv_logger(const SpecArgs& a, const Place& place) {
  const callbacks::CSVLoggerOptions d;
  a.require("filename");
  return std::make_unique<callbacks::CSVLogger>(
      callbacks::CSVLoggerOptions{.filename = inside(place.base_dir, a.text("filename", d.filename)),
                                  .separator = a.text("separator", d.separator),
                                  .append = a.boolean("append", d.append),
                                  .dry_run = place.dry_run});
}

std::unique_ptr<Callback> make_terminate_on_nan(const SpecArgs&, const Place&) {
  return std::make_unique<callbacks::TerminateOnNaN>();
}

using Entry = SpecEntry<std::unique_ptr<Callback> (*)(const SpecArgs&, const Place&)>;
const Entry kCallbacks[] = {
    {"ReduceLROnPlateau", make_reduce_lr_on_plateau},
    {"EarlyStopping", make_early_stopping},
    {"ModelCheckpoint", make_model_checkpoint},
    {"LearningRateScheduler", make_learning_rate_scheduler},
    {"CSVLogger", make_csv_logger},
    {"TerminateOnNaN", make_terminate_on_nan},
};

}  // namespace

const std::vector<std::string>& callback_names() {
  static const std::vector<std::string> names = entry_names(kCallbacks);
  return names;
}

json parse_callbacks_spec(const std::string& text) {
  json list = parse_json_text(text, "callbacks spec");
  if (list.is_object()) list = json::array({list});
  PLATEAU_CHECK(list.is_array(), "callbacks spec must be a JSON list of callback objects, got ", json_for_message(list));
  return list;
}

std::unique_ptr<Callback> make_callback(const json& spec, const std::string& base_dir, bool dry_run) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "each callback needs a \"name\" (one of ", join(callback_names()), "), got ", json_for_message(spec));
  const std::string name = spec["name"];
  const Entry* e = find_entry(kCallbacks, name);
  PLATEAU_CHECK(e, "unknown callback '", printable(name), "' (valid: ", join(callback_names()), ")");
  return SpecArgs(spec, name, {"name", "verbose"}).build([&](const SpecArgs& a) {
    return e->make(a, Place{base_dir, dry_run});
  });
}

std::vector<std::unique_ptr<Callback>> make_callbacks(const json& list, const std::string& base_dir, bool dry_run) {
  std::vector<std::unique_ptr<Callback>> out;
  for (size_t i = 0; i < list.size(); ++i) {
    try {
      out.push_back(make_callback(list[i], base_dir, dry_run));
    } catch (const Error& e) {
      throw Error(cat("callback ", i, ": ", e.what()));
    }
  }
  return out;
}

}  // namespace plateau
