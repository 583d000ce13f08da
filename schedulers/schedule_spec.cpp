#include "schedulers/schedule_spec.h"

#include "core/checked_math.h"
#include "core/error.h"
#include "core/spec_args.h"
#include "schedulers/composite_schedules.h"
#include "schedulers/cyclic_lr.h"
#include "schedulers/keras_schedules.h"
#include "schedulers/lambda_lr.h"
#include "schedulers/one_cycle_lr.h"
#include "schedulers/torch_schedules.h"

namespace plateau {
namespace {

using nlohmann::json;

std::optional<double> optional_number(const SpecArgs& a, const std::string& key) {
  if (!a.has(key)) return std::nullopt;
  return a.number(key, 0.0);
}

std::vector<std::unique_ptr<LRSchedule>> children(const SpecArgs& a, const std::string& parent) {
  const json& list = a.raw("schedulers");
  PLATEAU_CHECK(list.is_array() && !list.empty(), parent, ": schedulers must be a non-empty list of specs");
  std::vector<std::unique_ptr<LRSchedule>> out;
  for (size_t i = 0; i < list.size(); ++i) {
    PLATEAU_CHECK(!is_plateau_spec(list[i]), parent, ": ReduceLROnPlateau cannot be composed");
    try {
      out.push_back(make_schedule(list[i]));
    } catch (const Error& e) {
      throw Error(cat(parent, " schedulers[", i, "]: ", e.what()));
    }
  }
  return out;
}

// The schedule and the keys it accepts besides name and unit.
std::unique_ptr<LRSchedule> build(const std::string& name, const json& spec) {
  auto args = [&](std::vector<std::string> keys) { return SpecArgs(spec, name, std::move(keys), {"name", "unit"}); };
  if (name == "StepLR") {
    SpecArgs a = args({"step_size", "gamma"});
    a.require("step_size");
    return std::make_unique<StepLR>(a.integer64("step_size", 0), a.number("gamma", 0.1));
  }
  if (name == "MultiStepLR") {
    SpecArgs a = args({"milestones", "gamma"});
    a.require("milestones");
    return std::make_unique<MultiStepLR>(a.integers("milestones", {}), a.number("gamma", 0.1));
  }
  if (name == "ExponentialLR") {
    SpecArgs a = args({"gamma"});
    a.require("gamma");
    return std::make_unique<ExponentialLR>(a.number("gamma", 0.0));
  }
  if (name == "CosineAnnealingLR") {
    SpecArgs a = args({"T_max", "eta_min"});
    a.require("T_max");
    return std::make_unique<CosineAnnealingLR>(a.integer64("T_max", 0), a.number("eta_min", 0.0));
  }
  if (name == "CosineAnnealingWarmRestarts") {
    SpecArgs a = args({"T_0", "T_mult", "eta_min"});
    a.require("T_0");
    return std::make_unique<CosineAnnealingWarmRestarts>(a.integer64("T_0", 0), a.integer64("T_mult", 1),
                                                         a.number("eta_min", 0.0));
  }
  if (name == "CyclicLR") {
    SpecArgs a = args({"base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "cycle_momentum",
                       "base_momentum", "max_momentum"});
    a.require("base_lr");
    a.require("max_lr");
    return std::make_unique<CyclicLR>(CyclicLROptions{
        a.number("base_lr", 0), a.number("max_lr", 0), a.integer64("step_size_up", 2000),
        a.integer64("step_size_down", 0), a.text("mode", "triangular"), a.number("gamma", 1.0),
        a.boolean("cycle_momentum", true), a.number("base_momentum", 0.8), a.number("max_momentum", 0.9)});
  }
  if (name == "OneCycleLR") {
    SpecArgs a = args({"max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy",
                       "cycle_momentum", "base_momentum", "max_momentum", "div_factor", "final_div_factor",
                       "three_phase"});
    a.require("max_lr");
    int64_t total = a.integer64("total_steps", 0);
    if (!a.has("total_steps")) {
      PLATEAU_CHECK(a.has("epochs") && a.has("steps_per_epoch"),
                    "OneCycleLR: give total_steps, or both epochs and steps_per_epoch");
      const int64_t epochs = a.integer64("epochs", 0), per = a.integer64("steps_per_epoch", 0);
      PLATEAU_CHECK(epochs >= 1 && per >= 1, "OneCycleLR: epochs and steps_per_epoch must be positive, got ", epochs,
                    " and ", per);
      total = checked_mul(epochs, per, "OneCycleLR: epochs x steps_per_epoch");
    }
    return std::make_unique<OneCycleLR>(OneCycleLROptions{
        a.number("max_lr", 0), total, a.number("pct_start", 0.3), a.text("anneal_strategy", "cos"),
        a.boolean("cycle_momentum", true), a.number("base_momentum", 0.85), a.number("max_momentum", 0.95),
        a.number("div_factor", 25.0), a.number("final_div_factor", 1e4), a.boolean("three_phase", false)});
  }
  if (name == "LinearLR") {
    SpecArgs a = args({"start_factor", "end_factor", "total_iters"});
    return std::make_unique<LinearLR>(a.number("start_factor", 1.0 / 3), a.number("end_factor", 1.0),
                                      a.integer64("total_iters", 5));
  }
  if (name == "ConstantLR") {
    SpecArgs a = args({"factor", "total_iters"});
    return std::make_unique<ConstantLR>(a.number("factor", 1.0 / 3), a.integer64("total_iters", 5));
  }
  if (name == "PolynomialLR") {
    SpecArgs a = args({"total_iters", "power"});
    return std::make_unique<PolynomialLR>(a.integer64("total_iters", 5), a.number("power", 1.0));
  }
  if (name == "LambdaLR" || name == "MultiplicativeLR") {
    SpecArgs a = args({"lr_lambda"});
    a.require("lr_lambda");
    if (name == "LambdaLR") return std::make_unique<LambdaLR>(a.text("lr_lambda", ""));
    return std::make_unique<MultiplicativeLR>(a.text("lr_lambda", ""));
  }
  if (name == "SequentialLR") {
    SpecArgs a = args({"schedulers", "milestones"});
    a.require("milestones");
    return std::make_unique<SequentialLR>(children(a, name), a.integers("milestones", {}));
  }
  if (name == "ChainedScheduler") {
    SpecArgs a = args({"schedulers"});
    return std::make_unique<ChainedScheduler>(children(a, name));
  }
  if (name == "keras.ExponentialDecay" || name == "keras.InverseTimeDecay") {
    SpecArgs a = args({"initial_learning_rate", "decay_steps", "decay_rate", "staircase"});
    a.require("decay_steps");
    a.require("decay_rate");
    if (name == "keras.ExponentialDecay")
      return std::make_unique<KerasExponentialDecay>(optional_number(a, "initial_learning_rate"),
                                                     a.number("decay_steps", 0), a.number("decay_rate", 0),
                                                     a.boolean("staircase", false));
    return std::make_unique<KerasInverseTimeDecay>(optional_number(a, "initial_learning_rate"),
                                                   a.number("decay_steps", 0), a.number("decay_rate", 0),
                                                   a.boolean("staircase", false));
  }
  if (name == "keras.PiecewiseConstantDecay") {
    SpecArgs a = args({"boundaries", "values"});
    a.require("boundaries");
    a.require("values");
    return std::make_unique<KerasPiecewiseConstantDecay>(a.numbers("boundaries", {}), a.numbers("values", {}));
  }
  if (name == "keras.PolynomialDecay") {
    SpecArgs a = args({"initial_learning_rate", "decay_steps", "end_learning_rate", "power", "cycle"});
    a.require("decay_steps");
    return std::make_unique<KerasPolynomialDecay>(optional_number(a, "initial_learning_rate"),
                                                  a.number("decay_steps", 0), a.number("end_learning_rate", 1e-4),
                                                  a.number("power", 1.0), a.boolean("cycle", false));
  }
  if (name == "keras.CosineDecay") {
    SpecArgs a = args({"initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"});
    a.require("decay_steps");
    return std::make_unique<KerasCosineDecay>(optional_number(a, "initial_learning_rate"), a.number("decay_steps", 0),
                                              a.number("alpha", 0.0), optional_number(a, "warmup_target"),
                                              a.number("warmup_steps", 0.0));
  }
  if (name == "keras.CosineDecayRestarts") {
    SpecArgs a = args({"initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha"});
    a.require("first_decay_steps");
    return std::make_unique<KerasCosineDecayRestarts>(optional_number(a, "initial_learning_rate"),
                                                      a.number("first_decay_steps", 0), a.number("t_mul", 2.0),
                                                      a.number("m_mul", 1.0), a.number("alpha", 0.0));
  }
  throw Error(cat("unknown schedule '", name, "' (valid: ", join(schedule_names()), ")"));
}

}  // namespace

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names{
      "StepLR",          "MultiStepLR",       "ExponentialLR",          "CosineAnnealingLR",
      "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",          "LinearLR",
      "ConstantLR",      "PolynomialLR",      "LambdaLR",               "MultiplicativeLR",
      "SequentialLR",    "ChainedScheduler",  "ReduceLROnPlateau",      "keras.ExponentialDecay",
      "keras.PiecewiseConstantDecay", "keras.PolynomialDecay", "keras.InverseTimeDecay", "keras.CosineDecay",
      "keras.CosineDecayRestarts"};
  return names;
}

json parse_schedule_spec(const std::string& text) {
  json spec;
  try {
    spec = json::parse(text);
  } catch (const json::exception& e) {
    throw Error(cat("schedule spec is not valid JSON: ", e.what()));
  }
  if (spec.is_string()) spec = json{{"name", spec}};
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "schedule spec needs a \"name\" (one of ", join(schedule_names()), "), got ", spec.dump());
  return spec;
}

bool is_plateau_spec(const json& spec) {
  return spec.is_object() && spec.contains("name") && spec["name"] == "ReduceLROnPlateau";
}

ReduceLROnPlateauOptions plateau_options(const json& spec) {
  SpecArgs a(spec, "ReduceLROnPlateau",
             {"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"},
             {"name", "unit"});
  return {a.text("mode", "min"),     a.number("factor", 0.1), a.integer64("patience", 10),
          a.number("threshold", 1e-4), a.text("threshold_mode", "rel"), a.integer64("cooldown", 0),
          a.number("min_lr", 0.0),   a.number("eps", 1e-8)};
}

std::unique_ptr<LRSchedule> make_schedule(const json& spec) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "schedule spec needs a \"name\" (one of ", join(schedule_names()), "), got ", spec.dump());
  const std::string name = spec["name"].get<std::string>();
  PLATEAU_CHECK(name != "ReduceLROnPlateau", "ReduceLROnPlateau is driven by a metric, not by time; ",
                "it cannot be used here");
  std::unique_ptr<LRSchedule> s = build(name, spec);
  if (spec.contains("unit")) {
    PLATEAU_CHECK(spec["unit"] == "epoch" || spec["unit"] == "batch", name, ": unit must be \"epoch\" or \"batch\", ",
                  "got ", spec["unit"].dump());
    s->set_unit(spec["unit"] == "epoch" ? ScheduleUnit::Epoch : ScheduleUnit::Batch);
  }
  s->set_spec(spec);
  return s;
}

}  // namespace plateau
