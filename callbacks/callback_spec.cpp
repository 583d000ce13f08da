#include "callbacks/callback_spec.h"

#include <filesystem>

#include "callbacks/csv_logger.h"
#include "callbacks/early_stopping.h"
#include "callbacks/learning_rate_scheduler.h"
#include "callbacks/model_checkpoint.h"
#include "callbacks/reduce_lr_on_plateau.h"
#include "callbacks/plateau_schedule_callback.h"
#include "callbacks/schedule_callback.h"
#include "callbacks/terminate_on_nan.h"
#include "core/error.h"
#include "core/spec_args.h"
#include "schedulers/schedule_spec.h"

namespace plateau {
namespace {

using nlohmann::json;

std::string inside(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).string();
}

std::optional<double> optional_number(const SpecArgs& a, const std::string& key) {
  if (!a.has(key)) return std::nullopt;
  return a.number(key, 0.0);
}

}  // namespace

const std::vector<std::string>& callback_names() {
  static const std::vector<std::string> names{"ReduceLROnPlateau", "EarlyStopping", "ModelCheckpoint",
                                              "LearningRateScheduler", "CSVLogger", "TerminateOnNaN"};
  return names;
}

json parse_callbacks_spec(const std::string& text) {
  json list;
  try {
    list = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(cat("callbacks spec is not valid JSON: ", e.what()));
  }
  if (list.is_object()) list = json::array({list});
  PLATEAU_CHECK(list.is_array(), "callbacks spec must be a JSON list of callback objects, got ", list.dump());
  return list;
}

std::unique_ptr<Callback> make_callback(const json& spec, const std::string& base_dir, bool dry_run) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "each callback needs a \"name\" (one of ", join(callback_names()), "), got ", spec.dump());
  const std::string name = spec["name"];
  auto args = [&](std::vector<std::string> keys) { return SpecArgs(spec, name, std::move(keys), {"name", "verbose"}); };
  if (name == "ReduceLROnPlateau") {
    SpecArgs a = args({"monitor", "factor", "patience", "mode", "min_delta", "cooldown", "min_lr"});
    return std::make_unique<callbacks::ReduceLROnPlateau>(callbacks::ReduceLROnPlateauOptions{
        a.text("monitor", "val_loss"), a.number("factor", 0.1), a.integer64("patience", 10), a.text("mode", "auto"),
        a.number("min_delta", 1e-4), a.integer64("cooldown", 0), a.number("min_lr", 0.0)});
  }
  if (name == "EarlyStopping") {
    SpecArgs a = args({"monitor", "min_delta", "patience", "mode", "baseline", "restore_best_weights",
                       "start_from_epoch"});
    return std::make_unique<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
        a.text("monitor", "val_loss"), a.number("min_delta", 0.0), a.integer64("patience", 0), a.text("mode", "auto"),
        optional_number(a, "baseline"), a.boolean("restore_best_weights", false), a.integer64("start_from_epoch", 0)});
  }
  if (name == "ModelCheckpoint") {
    SpecArgs a = args({"filepath", "monitor", "save_best_only", "save_weights_only", "mode", "save_freq",
                       "initial_value_threshold"});
    a.require("filepath");
    int64_t save_freq = 0;
    if (a.has("save_freq") && !(spec["save_freq"].is_string() && spec["save_freq"] == "epoch")) {
      save_freq = a.integer64("save_freq", 0);
      PLATEAU_CHECK(save_freq > 0, "ModelCheckpoint: save_freq must be \"epoch\" or a positive integer, got ",
                    spec["save_freq"].dump());
    }
    return std::make_unique<callbacks::ModelCheckpoint>(callbacks::ModelCheckpointOptions{
        inside(base_dir, a.text("filepath", "")), a.text("monitor", "val_loss"), a.boolean("save_best_only", false),
        a.boolean("save_weights_only", false), a.text("mode", "auto"), save_freq,
        optional_number(a, "initial_value_threshold"), dry_run});
  }
  if (name == "LearningRateScheduler") {
    SpecArgs a = args({"schedule"});
    a.require("schedule");
    const json& schedule = spec["schedule"];
    if (schedule.is_string()) return std::make_unique<callbacks::LearningRateScheduler>(schedule.get<std::string>());
    PLATEAU_CHECK(schedule.is_object(), "LearningRateScheduler: schedule must be an expression over epoch and lr, or ",
                  "a scheduler spec object, got ", schedule.dump());
    if (is_plateau_spec(schedule)) return std::make_unique<callbacks::PlateauScheduleCallback>(schedule);
    return std::make_unique<callbacks::ScheduleCallback>(schedule);
  }
  if (name == "CSVLogger") {
    SpecArgs a = args({"filename", "separator", "append"});
    a.require("filename");
    return std::make_unique<callbacks::CSVLogger>(callbacks::CSVLoggerOptions{
        inside(base_dir, a.text("filename", "")), a.text("separator", ","), a.boolean("append", false), {}, dry_run});
  }
  if (name == "TerminateOnNaN") {
    args({});
    return std::make_unique<callbacks::TerminateOnNaN>();
  }
  throw Error(cat("unknown callback '", name, "' (valid: ", join(callback_names()), ")"));
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
