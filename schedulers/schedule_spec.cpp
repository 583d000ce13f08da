#include "plateau/schedulers/schedule_spec.h"

#include "plateau/core/checked_math.h"
#include "plateau/core/error.h"
#include "plateau/core/json_field.h"
#include "plateau/core/spec_args.h"
#include "plateau/core/spec_table.h"
#include "plateau/schedulers/composite_schedules.h"
#include "plateau/schedulers/cyclic_lr.h"
#include "plateau/schedulers/keras_schedules.h"
#include "plateau/schedulers/lambda_lr.h"
#include "plateau/schedulers/one_cycle_lr.h"
#include "plateau/schedulers/torch_schedules.h"

namespace plateau {
namespace {

using nlohmann::json;
using Schedule = std::unique_ptr<LRSchedule>;

std::vector<Schedule> children(const SpecArgs& a) {
  const json& list = a.raw("schedulers");
  PLATEAU_CHECK(list.is_array() && !list.empty(), a.what(), ": schedulers must be a non-empty list of specs");
  std::vector<Schedule> out;
  for (size_t i = 0; i < list.size(); ++i) {
    PLATEAU_CHECK(!is_plateau_spec(list[i]), a.what(), ": ReduceLROnPlateau cannot be composed");
    try {
      out.push_back(make_schedule(list[i]));
    } catch (const Error& e) {
      throw Error(cat(a.what(), " schedulers[", i, "]: ", e.what()));
    }
  }
  return out;
}

// Each maker reads its keys with the options struct's defaults (PyTorch's or Keras' own).
Schedule make_step(const SpecArgs& a) {
  const StepLROptions d;
  a.require("step_size");
  return std::make_unique<StepLR>(
      StepLROptions{.step_size = a.integer64("step_size", d.step_size), .gamma = a.number("gamma", d.gamma)});
}

Schedule make_multi_step(const SpecArgs& a) {
  const MultiStepLROptions d;
  a.require("milestones");
  return std::make_unique<MultiStepLR>(
      MultiStepLROptions{.milestones = a.integers("milestones", d.milestones), .gamma = a.number("gamma", d.gamma)});
}

Schedule make_exponential(const SpecArgs& a) {
  const ExponentialLROptions d;
  a.require("gamma");
  return std::make_unique<ExponentialLR>(ExponentialLROptions{.gamma = a.number("gamma", d.gamma)});
}

Schedule make_cosine_annealing(const SpecArgs& a) {
  const CosineAnnealingLROptions d;
  a.require("T_max");
  return std::make_unique<CosineAnnealingLR>(
      CosineAnnealingLROptions{.T_max = a.integer64("T_max", d.T_max), .eta_min = a.number("eta_min", d.eta_min)});
}

Schedule make_warm_restarts(const SpecArgs& a) {
  const CosineAnnealingWarmRestartsOptions d;
  a.require("T_0");
  return std::make_unique<CosineAnnealingWarmRestarts>(
      CosineAnnealingWarmRestartsOptions{.T_0 = a.integer64("T_0", d.T_0),
                                         .T_mult = a.integer64("T_mult", d.T_mult),
                                         .eta_min = a.number("eta_min", d.eta_min)});
}

Schedule make_cyclic(const SpecArgs& a) {
  const CyclicLROptions d;
  a.require("base_lr");
  a.require("max_lr");
  return std::make_unique<CyclicLR>(CyclicLROptions{.base_lr = a.number("base_lr", d.base_lr),
                                                    .max_lr = a.number("max_lr", d.max_lr),
                                                    .step_size_up = a.integer64("step_size_up", d.step_size_up),
                                                    .step_size_down = a.integer64("step_size_down", d.step_size_down),
                                                    .mode = a.text("mode", d.mode),
                                                    .gamma = a.number("gamma", d.gamma),
                                                    .cycle_momentum = a.boolean("cycle_momentum", d.cycle_momentum),
                                                    .base_momentum = a.number("base_momentum", d.base_momentum),
                                                    .max_momentum = a.number("max_momentum", d.max_momentum)});
}

Schedule make_one_cycle(const SpecArgs& a) {
  const OneCycleLROptions d;
  a.require("max_lr");
  OneCycleLROptions o{.max_lr = a.number("max_lr", d.max_lr), .total_steps = a.integer64("total_steps", d.total_steps)};
  const int64_t epochs = a.integer64("epochs", 0), per = a.integer64("steps_per_epoch", 0);
  if (!a.has("total_steps")) {
    PLATEAU_CHECK(a.has("epochs") && a.has("steps_per_epoch"),
                  "OneCycleLR: give total_steps, or both epochs and steps_per_epoch");
    PLATEAU_CHECK(epochs >= 1 && per >= 1, "OneCycleLR: epochs and steps_per_epoch must be positive, got ", epochs,
                  " and ", per);
    o.total_steps = checked_mul(epochs, per, "OneCycleLR: epochs x steps_per_epoch");
  }
  o.pct_start = a.number("pct_start", d.pct_start);
  o.anneal_strategy = a.text("anneal_strategy", d.anneal_strategy);
  o.cycle_momentum = a.boolean("cycle_momentum", d.cycle_momentum);
  o.base_momentum = a.number("base_momentum", d.base_momentum);
  o.max_momentum = a.number("max_momentum", d.max_momentum);
  o.div_factor = a.number("div_factor", d.div_factor);
  o.final_div_factor = a.number("final_div_factor", d.final_div_factor);
  o.three_phase = a.boolean("three_phase", d.three_phase);
  return std::make_unique<OneCycleLR>(o);
}

Schedule make_linear(const SpecArgs& a) {
  const LinearLROptions d;
  return std::make_unique<LinearLR>(LinearLROptions{.start_factor = a.number("start_factor", d.start_factor),
                                                    .end_factor = a.number("end_factor", d.end_factor),
                                                    .total_iters = a.integer64("total_iters", d.total_iters)});
}

Schedule make_constant(const SpecArgs& a) {
  const ConstantLROptions d;
  return std::make_unique<ConstantLR>(ConstantLROptions{.factor = a.number("factor", d.factor),
                                                        .total_iters = a.integer64("total_iters", d.total_iters)});
}

Schedule make_polynomial(const SpecArgs& a) {
  const PolynomialLROptions d;
  return std::make_unique<PolynomialLR>(
      PolynomialLROptions{.total_iters = a.integer64("total_iters", d.total_iters), .power = a.number("power", d.power)});
}

Schedule make_lambda(const SpecArgs& a) {
  a.require("lr_lambda");
  return std::make_unique<LambdaLR>(a.text("lr_lambda", ""));
}

Schedule make_multiplicative(const SpecArgs& a) {
  a.require("lr_lambda");
  return std::make_unique<MultiplicativeLR>(a.text("lr_lambda", ""));
}

Schedule make_sequential(const SpecArgs& a) {
  std::vector<Schedule> schedulers = children(a);
  a.require("milestones");
  return std::make_unique<SequentialLR>(std::move(schedulers), a.integers("milestones", {}));
}

Schedule make_chained(const SpecArgs& a) { return std::make_unique<ChainedScheduler>(children(a)); }

KerasDecayOptions keras_decay(const SpecArgs& a) {
  const KerasDecayOptions d;
  const std::optional<double> initial = a.optional_number("initial_learning_rate", d.initial_learning_rate);
  a.require("decay_steps");
  a.require("decay_rate");
  return {.initial_learning_rate = initial,
          .decay_steps = a.number("decay_steps", d.decay_steps),
          .decay_rate = a.number("decay_rate", d.decay_rate),
          .staircase = a.boolean("staircase", d.staircase)};
}

Schedule make_keras_exponential(const SpecArgs& a) { return std::make_unique<KerasExponentialDecay>(keras_decay(a)); }
Schedule make_keras_inverse_time(const SpecArgs& a) { return std::make_unique<KerasInverseTimeDecay>(keras_decay(a)); }

Schedule make_keras_piecewise(const SpecArgs& a) {
  a.require("boundaries");
  a.require("values");
  return std::make_unique<KerasPiecewiseConstantDecay>(
      KerasPiecewiseConstantDecayOptions{.boundaries = a.numbers("boundaries", {}), .values = a.numbers("values", {})});
}

Schedule make_keras_polynomial(const SpecArgs& a) {
  const KerasPolynomialDecayOptions d;
  const std::optional<double> initial = a.optional_number("initial_learning_rate", d.initial_learning_rate);
  a.require("decay_steps");
  return std::make_unique<KerasPolynomialDecay>(
      KerasPolynomialDecayOptions{.initial_learning_rate = initial,
                                  .decay_steps = a.number("decay_steps", d.decay_steps),
                                  .end_learning_rate = a.number("end_learning_rate", d.end_learning_rate),
                                  .power = a.number("power", d.power),
                                  .cycle = a.boolean("cycle", d.cycle)});
}

Schedule make_keras_cosine(const SpecArgs& a) {
  const KerasCosineDecayOptions d;
  const std::optional<double> initial = a.optional_number("initial_learning_rate", d.initial_learning_rate);
  a.require("decay_steps");
  return std::make_unique<KerasCosineDecay>(
      KerasCosineDecayOptions{.initial_learning_rate = initial,
                              .decay_steps = a.number("decay_steps", d.decay_steps),
                              .alpha = a.number("alpha", d.alpha),
                              .warmup_target = a.optional_number("warmup_target", d.warmup_target),
                              .warmup_steps = a.number("warmup_steps", d.warmup_steps)});
}

Schedule make_keras_cosine_restarts(const SpecArgs& a) {
  const KerasCosineDecayRestartsOptions d;
  const std::optional<double> initial = a.optional_number("initial_learning_rate", d.initial_learning_rate);
  a.require("first_decay_steps");
  return std::make_unique<KerasCosineDecayRestarts>(
      KerasCosineDecayRestartsOptions{.initial_learning_rate = initial,
                                      .first_decay_steps = a.number("first_decay_steps", d.first_decay_steps),
                                      .t_mul = a.number("t_mul", d.t_mul),
                                      .m_mul = a.number("m_mul", d.m_mul),
                                      .alpha = a.number("alpha", d.alpha)});
}

using Entry = SpecEntry<Schedule (*)(const SpecArgs&)>;  // make is null for ReduceLROnPlateau: not an LRSchedule
const Entry kSchedules[] = {
    {"StepLR", make_step},
    {"MultiStepLR", make_multi_step},
    {"ExponentialLR", make_exponential},
    {"CosineAnnealingLR", make_cosine_annealing},
    {"CosineAnnealingWarmRestarts", make_warm_restarts},
    {"CyclicLR", make_cyclic},
    {"OneCycleLR", make_one_cycle},
    {"LinearLR", make_linear},
    {"ConstantLR", make_constant},
    {"PolynomialLR", make_polynomial},
    {"LambdaLR", make_lambda},
    {"MultiplicativeLR", make_multiplicative},
    {"SequentialLR", make_sequential},
    {"ChainedScheduler", make_chained},
    {"ReduceLROnPlateau", nullptr},
    {"keras.ExponentialDecay", make_keras_exponential},
    {"keras.PiecewiseConstantDecay", make_keras_piecewise},
    {"keras.PolynomialDecay", make_keras_polynomial},
    {"keras.InverseTimeDecay", make_keras_inverse_time},
    {"keras.CosineDecay", make_keras_cosine},
    {"keras.CosineDecayRestarts", make_keras_cosine_restarts},
};

}  // namespace

const std::vector<std::string>& schedule_names() {
  static const std::vector<std::string> names = entry_names(kSchedules);
  return names;
}

json parse_schedule_spec(const std::string& text) {
  json spec = parse_json_text(text, "schedule spec");
  if (spec.is_string()) spec = json{{"name", spec}};
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "schedule spec needs a \"name\" (one of ", join(schedule_names()), "), got ", json_for_message(spec));
  return spec;
}

bool is_plateau_spec(const json& spec) {
  return spec.is_object() && spec.contains("name") && spec["name"] == "ReduceLROnPlateau";
}

ReduceLROnPlateauOptions plateau_options(const json& spec) {
  const ReduceLROnPlateauOptions d;
  return SpecArgs(spec, "ReduceLROnPlateau", {"name", "unit"}).build([&](const SpecArgs& a) {
    return ReduceLROnPlateauOptions{.mode = a.text("mode", d.mode),
                                    .factor = a.number("factor", d.factor),
                                    .patience = a.integer64("patience", d.patience),
                                    .threshold = a.number("threshold", d.threshold),
                                    .threshold_mode = a.text("threshold_mode", d.threshold_mode),
                                    .cooldown = a.integer64("cooldown", d.cooldown),
                                    .min_lr = a.number("min_lr", d.min_lr),
                                    .eps = a.number("eps", d.eps)};
  });
}

std::unique_ptr<LRSchedule> make_schedule(const json& spec) {
  PLATEAU_CHECK(spec.is_object() && spec.contains("name") && spec["name"].is_string(),
                "schedule spec needs a \"name\" (one of ", join(schedule_names()), "), got ", json_for_message(spec));
  const std::string name = spec["name"].get<std::string>();
  PLATEAU_CHECK(name != "ReduceLROnPlateau", "ReduceLROnPlateau is driven by a metric, not by time; ",
                "it cannot be used here");
  const Entry* e = find_entry(kSchedules, name);
  PLATEAU_CHECK(e, "unknown schedule '", printable(name), "' (valid: ", join(schedule_names()), ")");
  Schedule s = SpecArgs(spec, name, {"name", "unit"}).build(e->make);
  if (spec.contains("unit")) {
    PLATEAU_CHECK(spec["unit"] == "epoch" || spec["unit"] == "batch", name,
                  ": unit must be \"epoch\" or \"batch\", got ", json_for_message(spec["unit"]));
    s->set_unit(spec["unit"] == "epoch" ? ScheduleUnit::Epoch : ScheduleUnit::Batch);
  }
  s->set_spec(spec);
  return s;
}

}  // namespace plateau
