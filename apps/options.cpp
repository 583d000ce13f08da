#include "apps/options.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <variant>

#include "plateau/callbacks/callback_spec.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/parse_number.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/schedule_spec.h"

namespace plateau::apps {
namespace {

using nlohmann::json;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr double kHuge = std::numeric_limits<double>::max();

// The kinds of value an option holds, each pointing at its field of Options.
struct Text {
  std::string Options::*field;
  std::vector<std::string> choices = {};  // empty: any text
  bool json_value = false;                 // in JSON, inline JSON is taken as its text (--model)
};
struct Integer {
  int64_t Options::*field;
  int64_t min, max;
};
struct Number {
  double Options::*field;
  double min, max;
  bool below_max = false;  // [min, max) instead of [min, max]
};
struct OptionalNumber {
  std::optional<double> Options::*field;
  double min, max;
};
struct Flag {
  bool Options::*field;
  bool when_given;  // --no-shuffle sets shuffle to false
};
struct Spec {
  json Options::*field;
  json (*from_text)(const std::string&);
  json (*from_json)(const json&);
};
struct Texts {  // a positional list
  std::vector<std::string> Options::*field;
};
using Field = std::variant<Text, Integer, Number, OptionalNumber, Flag, Spec, Texts>;

// Config: part of the run (run.json "config"; --resume must find it unchanged). Session: saved in
// run.json but free to change on --resume. Control: how this invocation runs; never saved.
enum class Scope { Config, Session, Control };

struct Row {
  const char* flag;  // "--batch-size"; without dashes: a positional argument
  const char* key;   // the JSON spelling, "" for none
  unsigned commands;
  Scope scope;
  Field field;
  const char* help;  // "{default}" stands for the command's default value
  bool required = false;
};

json optimizer_from_json(const json& j) { return normalize_optimizer_spec(j); }
json schedule_from_text(const std::string& text) { return parse_schedule_spec(text); }
json schedule_from_json(const json& j) {
  if (j.is_null()) return j;
  return j.is_string() ? parse_schedule_spec(j.get<std::string>()) : parse_schedule_spec(j.dump());
}
json callbacks_from_json(const json& j) {
  PLATEAU_CHECK(j.is_array(), "callbacks must be a list, got ", json_for_message(j));
  return j;
}

constexpr unsigned kModelCommands = kTrain | kLrFind | kProfile | kSummary;
constexpr unsigned kDataCommands = kTrain | kEvaluate | kPredict | kLrFind | kProfile;
constexpr unsigned kTrainingCommands = kTrain | kLrFind | kProfile;

const std::vector<Row>& table() {
  static const std::vector<Row> rows{
      // The training run.
      {"--model", "model", kModelCommands, Scope::Config, Text{&Options::model, {}, true},
       "seed-cnn (default), mlp, vgg-mini, a JSON file or inline JSON"},
      {"--input-shape", "input_shape", kTrain | kLrFind | kProfile | kSummary, Scope::Config,
       Text{&Options::input_shape}, "per-sample input shape H,W,C, Keras order (default {default})"},
      {"--optimizer", "optimizer", kTrainingCommands, Scope::Config,
       Spec{&Options::optimizer, parse_optimizer_spec, optimizer_from_json},
       "optimizer name or spec (default keras.Adam, lr 1e-3)"},
      {"--lr", "lr", kTrain, Scope::Config, OptionalNumber{&Options::lr, 0, kHuge},
       "learning rate (overrides the optimizer spec's)"},
      {"--schedule", "schedule", kTrain, Scope::Config,
       Spec{&Options::schedule, schedule_from_text, schedule_from_json},
       "scheduler spec, e.g. '{\"name\":\"StepLR\",\"step_size\":4}'"},
      {"--callbacks", "callbacks", kTrain, Scope::Config,
       Spec{&Options::callbacks, parse_callbacks_spec, callbacks_from_json}, "JSON list of Keras callbacks"},
      {"--dtype-policy", "dtype_policy", kTrainingCommands | kEvaluate | kPredict, Scope::Config,
       Text{&Options::dtype_policy, {"float32", "mixed_bfloat16"}},
       "float32 (default) or mixed_bfloat16: Keras' policy, convolutions and dense layers in bfloat16"},
      {"--loss", "loss", kTrainingCommands | kEvaluate | kPredict, Scope::Config,
       Text{&Options::loss, {"sparse_categorical_crossentropy", "categorical_crossentropy", "mse"}},
       "sparse_categorical_crossentropy (default), categorical_crossentropy, mse"},
      {"--epochs", "epochs", kTrain | kSweep, Scope::Config, Integer{&Options::epochs, 1, 1000000},
       "epochs to train (default {default})"},
      {"--epochs", "", kLrFind, Scope::Control, Integer{&Options::epochs, 1, 1000000},
       "epochs for the --then one-cycle spec (default {default})"},
      {"--batch-size", "batch_size", kTrainingCommands | kEvaluate | kPredict, Scope::Config,
       Integer{&Options::batch_size, 1, 1 << 20}, "batch size (default {default})"},
      {"--validation-split", "validation_split", kTrain, Scope::Config,
       Number{&Options::validation_split, 0.0, 1.0, true}, "fraction held out for validation (default {default})"},
      {"--validation-freq", "validation_freq", kTrain, Scope::Config, Integer{&Options::validation_freq, 1, 1000000},
       "validate every N epochs (default {default})"},
      {"--seed", "seed", kTrainingCommands | kSweep, Scope::Config, Integer{&Options::seed, 0, kMaxInt},
       "seed for weights, shuffling and dropout (default {default})"},
      {"--limit", "limit", kDataCommands | kSweep, Scope::Config, Integer{&Options::limit, 0, kMaxInt},
       "use only the first N images (default: all)"},
      {"--no-shuffle", "shuffle", kTrain, Scope::Config, Flag{&Options::shuffle, false}, "keep the training order"},
      {"--init-weights", "init_weights", kTrain, Scope::Config, Text{&Options::init_weights},
       "start from these weights (.safetensors)"},
      {"--save-weights", "save_weights", kTrain, Scope::Config, Text{&Options::save_weights},
       "write the final weights here (.safetensors)"},
      {"--data", "data", kDataCommands, Scope::Config, Text{&Options::data},
       "Fashion-MNIST directory (default $PLATEAU_DATA or the Debian package's)"},
      {"--batch-shards", "batch_shards", kTrain, Scope::Config, Integer{&Options::batch_shards, 1, 4096},
       "cut every batch into N shards, the most processes that can share it under mpirun (default {default})"},
      {"--allreduce", "allreduce", kTrain, Scope::Config, Text{&Options::allreduce, {"exact", "fast"}},
       "under mpirun: exact (default; the same bits on any number of processes) or fast (MPI_Allreduce)"},
      // Of the session.
      {"--threads", "threads", kDataCommands, Scope::Session, Integer{&Options::threads, 0, 4096},
       "threads (default PLATEAU_NUM_THREADS or all cores)"},
      {"--verbose", "verbose", kTrain, Scope::Session, Integer{&Options::verbose, -1, 2},
       "0 silent, 1 progress bar, 2 one line per epoch (default: 1 on a terminal, else 2)"},
      {"--verbose", "", kSweep, Scope::Control, Integer{&Options::verbose, 0, 2},
       "0 silent, 1 progress bar, 2 one line per epoch (default {default})"},
      {"--run-dir", "run_dir", kTrain, Scope::Session, Text{&Options::run_dir},
       "run directory (default runs/<date>-<time>)"},
      {"--run-dir", "", kSweep, Scope::Control, Text{&Options::run_dir},
       "the sweep directory (default sweeps/<preset or file name>)"},
      {"--run-dir", "", kLrFind, Scope::Control, Text{&Options::run_dir},
       "where to write lr_find.csv and lr_find.svg (default runs/lr-find-<time>)"},
      // How `train` runs.
      {"--config", "", kTrain, Scope::Control, Text{&Options::config},
       "a JSON file holding any of these options (flags win), or a run's run.json"},
      {"--resume", "", kTrain, Scope::Control, Text{&Options::resume},
       "continue the run in RUN_DIR exactly where its last complete checkpoint left off"},
      {"--resume-weights-only", "", kTrain, Scope::Control, Text{&Options::resume_weights_only},
       "start a new run (new schedule and callbacks) from RUN_DIR's latest weights and optimizer state"},
      {"--overwrite", "", kTrain, Scope::Control, Flag{&Options::overwrite, true},
       "train into a --run-dir that holds an earlier run, deleting it"},
      {"--checkpoint-every-batches", "", kTrain, Scope::Control,
       Integer{&Options::checkpoint_every_batches, 0, kMaxInt},
       "also checkpoint every N batches (default: at every epoch end only)"},
      {"--keep-last", "", kTrain, Scope::Control, Integer{&Options::keep_last, 1, 1000},
       "training checkpoints to keep (default {default})"},
      {"--profile", "", kTrain, Scope::Control, Flag{&Options::profile, true},
       "after the first epoch, print the per-layer step profile (plateau profile)"},
      {"--stop-after-batches", "", kTrain, Scope::Control, Integer{&Options::stop_after_batches, 0, kMaxInt},
       "stop as an interruption does after N batches in all (for testing resume)"},
      // sweep
      {"--config", "", kSweep, Scope::Control, Text{&Options::config}, "sweep file (JSON)"},
      {"--preset", "", kSweep, Scope::Control,
       Text{&Options::preset, {"lr-strategies", "optimizers", "schedules"}}, "lr-strategies, optimizers or schedules"},
      // evaluate, predict
      {"--weights", "", kEvaluate | kPredict, Scope::Control, Text{&Options::weights}, "weights file (.safetensors)",
       true},
      {"--model", "", kEvaluate | kPredict, Scope::Control, Text{&Options::model},
       "model spec (default: the one stored in the weights file)"},
      {"--split", "", kEvaluate | kPredict, Scope::Control, Text{&Options::split, {"test", "train"}},
       "test (default) or train"},
      {"--json", "", kEvaluate, Scope::Control, Flag{&Options::json, true},
       "print {\"loss\":…,\"accuracy\":…,\"samples\":…}"},
      {"--out", "", kPredict, Scope::Control, Text{&Options::out}, "write the CSV here instead of standard output"},
      // lr-find
      {"--start-lr", "", kLrFind, Scope::Control, Number{&Options::start_lr, 1e-300, kHuge},
       "first lr (default {default})"},
      {"--end-lr", "", kLrFind, Scope::Control, Number{&Options::end_lr, 1e-300, kHuge}, "last lr (default {default})"},
      {"--steps", "", kLrFind, Scope::Control, Integer{&Options::steps, 5, 1000000},
       "batches to train (default {default})"},
      {"--then", "", kLrFind, Scope::Control, Text{&Options::then, {"one-cycle"}},
       "one-cycle: print the OneCycleLR spec the suggestion leads to"},
      // profile
      {"--steps", "", kProfile, Scope::Control, Integer{&Options::steps, 1, 100000},
       "steps to time after 2 warm-up steps (default {default})"},
      {"--trace", "", kProfile, Scope::Control, Text{&Options::trace},
       "write a Chrome trace-event JSON file (Perfetto, chrome://tracing)"},
      // schedule
      {"--spec", "", kSchedule, Scope::Control, Text{&Options::spec},
       "schedule spec (JSON), e.g. '{\"name\":\"StepLR\",\"step_size\":7}'", true},
      {"--steps", "", kSchedule, Scope::Control, Integer{&Options::steps, 0, 10000000}, "number of steps to show",
       true},
      {"--lr", "", kSchedule | kReplay, Scope::Control, Number{&Options::initial_lr, 0, kHuge},
       "the optimizer's initial lr (default {default})"},
      {"--optimizer", "", kSchedule, Scope::Control, Spec{&Options::optimizer, parse_optimizer_spec, nullptr},
       "optimizer spec (default SGD with momentum 0.9)"},
      {"--metrics", "", kSchedule, Scope::Control, Text{&Options::metrics},
       "ReduceLROnPlateau: value i is passed to step() after step i"},
      {"--format", "", kSchedule, Scope::Control, Text{&Options::format, {"table", "csv", "svg"}},
       "table (default on a terminal), csv or svg"},
      {"--out", "", kSchedule, Scope::Control, Text{&Options::out}, "write to FILE instead of standard output"},
      // replay
      {"--callbacks", "", kReplay, Scope::Control, Spec{&Options::callbacks, parse_callbacks_spec, nullptr},
       "JSON list of Keras callbacks", true},
      {"--log", "", kReplay, Scope::Control, Text{&Options::log}, "a run's metrics.csv (or a CSVLogger file)"},
      {"--metrics", "", kReplay, Scope::Control, Text{&Options::metrics},
       "per-epoch values: 'val_loss=1.0,0.9;val_accuracy=0.6,0.7'"},
      {"--json", "", kReplay, Scope::Control, Flag{&Options::json, true}, "print the decisions as JSON"},
      // compare, report
      {"dirs", "", kCompare, Scope::Control, Texts{&Options::dirs}, "run directories or sweep directories", true},
      {"--format", "", kCompare, Scope::Control, Text{&Options::format, {"table", "csv", "markdown", "json"}},
       "table (default), csv, markdown or json"},
      {"--charts", "", kCompare, Scope::Control, Text{&Options::charts},
       "write overlay SVG charts here (default: the first sweep directory)"},
      {"dir", "", kReport, Scope::Control, Texts{&Options::dirs}, "run directory or sweep directory", true},
      {"--out", "", kReport, Scope::Control, Text{&Options::out}, "the HTML file (default DIR/report.html)"},
  };
  return rows;
}

std::string show(const Row& row, const Options& o) {
  return std::visit(
      [&](const auto& f) -> std::string {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, Text>) return o.*f.field;
        if constexpr (std::is_same_v<F, Integer>) return std::to_string(o.*f.field);
        if constexpr (std::is_same_v<F, Number>) return cat(o.*f.field);
        if constexpr (std::is_same_v<F, Spec>) return (o.*f.field).dump();
        return "";
      },
      row.field);
}

std::string help_of(const Row& row, const Options& defaults) {
  std::string help = row.help;
  const size_t at = help.find("{default}");
  if (at != std::string::npos) help.replace(at, 9, show(row, defaults));
  return help;
}

// The value given on the command line, checked as the row says.
void set_from_text(const Row& row, const std::string& text, const std::vector<std::string>& list, Options& o) {
  const std::string what = row.flag;
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, Text>) {
          PLATEAU_CHECK(f.choices.empty() || std::find(f.choices.begin(), f.choices.end(), text) != f.choices.end(),
                        what, ": '", printable(text), "' is not one of ", join(f.choices));
          o.*f.field = text;
        } else if constexpr (std::is_same_v<F, Integer>) {
          const int64_t v = parse_int64(text, what);
          PLATEAU_CHECK(v >= f.min, what, " must be ",
                        f.min == 0   ? std::string("non-negative")
                        : f.min == 1 ? std::string("a positive integer")
                                     : cat("at least ", f.min),
                        ", got ", v);
          PLATEAU_CHECK(v <= f.max, what, " must be at most ", f.max, ", got ", v);
          o.*f.field = v;
        } else if constexpr (std::is_same_v<F, Number>) {
          const double v = parse_double(text, what);
          PLATEAU_CHECK(std::isfinite(v) && v >= f.min && (f.below_max ? v < f.max : v <= f.max), what,
                        " must be a number in [", f.min, ", ", f.max, f.below_max ? ")" : "]", ", got ", printable(text));
          o.*f.field = v;
        } else if constexpr (std::is_same_v<F, OptionalNumber>) {
          const double v = parse_double(text, what);
          PLATEAU_CHECK(std::isfinite(v) && v >= f.min && v <= f.max, what, " must be a finite number of at least ",
                        f.min, ", got ", printable(text));
          o.*f.field = v;
        } else if constexpr (std::is_same_v<F, Flag>) {
          o.*f.field = f.when_given;
        } else if constexpr (std::is_same_v<F, Spec>) {
          o.*f.field = f.from_text(text);
        } else if constexpr (std::is_same_v<F, Texts>) {
          o.*f.field = list;
        }
      },
      row.field);
}

// The value of `row`'s key in a JSON config, checked as the row says.
void set_from_json(const Row& row, const JsonField& v, Options& o) {
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, Text>) {
          const std::string text = f.json_value && !v.value().is_string() ? v.value().dump() : v.text();
          if (!f.choices.empty() && std::find(f.choices.begin(), f.choices.end(), text) == f.choices.end())
            v.fail("one of " + join(f.choices));
          o.*f.field = text;
        } else if constexpr (std::is_same_v<F, Integer>) {
          o.*f.field = v.integer(f.min, f.max);
        } else if constexpr (std::is_same_v<F, Number>) {
          const double x = v.number();
          if (!(x >= f.min && (f.below_max ? x < f.max : x <= f.max)))
            v.fail(cat("a number in [", f.min, ", ", f.max, f.below_max ? ")" : "]"));
          o.*f.field = x;
        } else if constexpr (std::is_same_v<F, OptionalNumber>) {
          if (v.is_null()) {
            o.*f.field = std::nullopt;
          } else {
            const double x = v.number();
            if (!(x >= f.min && x <= f.max)) v.fail(cat("null or a number of at least ", f.min));
            o.*f.field = x;
          }
        } else if constexpr (std::is_same_v<F, Flag>) {
          o.*f.field = v.boolean();  // the key holds the field itself (shuffle), not the flag (--no-shuffle)
        } else if constexpr (std::is_same_v<F, Spec>) {
          try {
            o.*f.field = f.from_json(v.value());
          } catch (const Error& e) {
            throw Error(cat(v.source(), ": ", v.path(), ": ", e.what()));
          }
        } else if constexpr (std::is_same_v<F, Texts>) {
          o.*f.field = v.texts();
        }
      },
      row.field);
}

json value_json(const Row& row, const Options& o) {
  return std::visit(
      [&](const auto& f) -> json {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, OptionalNumber>) {
          const std::optional<double>& v = o.*f.field;
          return v ? json(*v) : json(nullptr);
        } else {
          return json(o.*f.field);
        }
      },
      row.field);
}

bool saved(const Row& row) { return *row.key && (row.commands & kTrain) && row.scope != Scope::Control; }

}  // namespace

Options defaults_for(Command command) {
  Options o;
  if (command == kProfile) o.steps = 20;
  if (command == kEvaluate || command == kPredict) o.batch_size = 256, o.model.clear();
  if (command == kSweep) o.verbose = 2;
  if (command == kSchedule) o.initial_lr = 0.1;
  if (command == kCompare) o.format = "table";
  return o;
}

nlohmann::json Options::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const Row& row : table())
    if (saved(row)) j[row.key] = value_json(row, *this);
  return j;
}

void Options::apply_json(const nlohmann::json& config, const std::string& source) {
  const JsonField root(config, source);
  std::vector<std::string> valid;
  for (const Row& row : table())
    if (saved(row)) valid.push_back(row.key);
  for (const auto& [key, value] : root.items()) {
    const Row* row = nullptr;
    for (const Row& r : table())
      if (saved(r) && key == r.key) row = &r;
    PLATEAU_CHECK(row != nullptr, source, ": unknown option '", printable(key), "' (valid: ", join(valid), ")");
    set_from_json(*row, value, *this);
  }
}

nlohmann::json read_config_file(const std::string& path) {
  const std::string source = "--config '" + printable(path, 200) + "'";
  PLATEAU_CHECK(io::is_regular_file(path), source, " does not exist");
  nlohmann::json j = parse_json_text(io::read_file(path, 16 << 20), source);
  PLATEAU_CHECK(j.is_object(), source, " must hold a JSON object of options, got ", json_for_message(j));
  if (j.contains("config") && j["config"].is_object() && j.contains("versions")) {  // a run's run.json
    nlohmann::json config = j["config"];
    config.erase("run_dir");  // the same run again, into a new run directory
    return config;
  }
  return j;
}

std::vector<std::string> config_differences(const Options& run, const Options& given) {
  std::vector<std::string> out;
  for (const Row& row : table()) {
    if (!saved(row) || row.scope != Scope::Config) continue;
    const nlohmann::json a = value_json(row, run), b = value_json(row, given);
    if (a != b) out.push_back(cat(row.key, " (run: ", json_for_message(a), ", given: ", json_for_message(b), ")"));
  }
  return out;
}

CommandOptions::CommandOptions(CLI::App& cmd, Command command)
    : cmd_(cmd), command_(command), given_(std::make_shared<std::vector<Given>>()) {
  const Options defaults = defaults_for(command);
  for (size_t i = 0; i < table().size(); ++i)
    if (table()[i].commands & command) rows_.push_back(i);
  given_->resize(rows_.size());  // fixed from here on: CLI11 keeps pointers into it
  for (size_t k = 0; k < rows_.size(); ++k) {
    const Row& row = table()[rows_[k]];
    CLI::Option* opt = nullptr;
    if (std::holds_alternative<Flag>(row.field)) {
      const std::string help = help_of(row, defaults);  // a const string: CLI11 takes it as the description
      opt = cmd.add_flag(row.flag, help);
    } else {
      // Single values into a string (a vector would make CLI11 split "[…]" JSON at its commas).
      opt = std::holds_alternative<Texts>(row.field) ? cmd.add_option(row.flag, (*given_)[k].list, help_of(row, defaults))
                                                     : cmd.add_option(row.flag, (*given_)[k].text, help_of(row, defaults))
                                                           ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
      opt->type_name(std::holds_alternative<Integer>(row.field)  ? "INT"
                     : std::holds_alternative<Number>(row.field) || std::holds_alternative<OptionalNumber>(row.field)
                         ? "NUMBER"
                         : "TEXT");
    }
    if (row.required) opt->required();
  }
}

void CommandOptions::apply_flags(Options& o) const {
  for (size_t k = 0; k < rows_.size(); ++k) {
    const Row& row = table()[rows_[k]];
    if (cmd_.count(row.flag) > 0) set_from_text(row, (*given_)[k].text, (*given_)[k].list, o);
  }
}

bool CommandOptions::given(const std::string& flag) const { return cmd_.count(flag) > 0; }

std::vector<std::string> CommandOptions::given_flags() const {
  std::vector<std::string> out;
  for (size_t k : rows_)
    if (cmd_.count(table()[k].flag) > 0) out.push_back(table()[k].flag);
  return out;
}

Options CommandOptions::resolve() const {
  Options o = defaults_for(command_);
  if (command_ == kTrain) {  // --config first, so that flags win over it
    for (size_t k = 0; k < rows_.size(); ++k)
      if (std::string(table()[rows_[k]].flag) == "--config" && cmd_.count("--config") > 0)
        o.apply_json(read_config_file((*given_)[k].text), "--config '" + printable((*given_)[k].text, 200) + "'");
  }
  apply_flags(o);
  return o;
}

}  // namespace plateau::apps
