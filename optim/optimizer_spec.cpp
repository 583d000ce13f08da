#include "plateau/optim/optimizer_spec.h"

#include <algorithm>
#include <cctype>

#include "plateau/core/error.h"
#include "plateau/core/json_field.h"
#include "plateau/core/spec_args.h"
#include "plateau/core/spec_table.h"
#include "plateau/optim/adadelta.h"
#include "plateau/optim/adagrad.h"
#include "plateau/optim/adam.h"
#include "plateau/optim/keras_adam.h"
#include "plateau/optim/keras_rmsprop.h"
#include "plateau/optim/keras_sgd.h"
#include "plateau/optim/rmsprop.h"
#include "plateau/optim/sgd.h"

namespace plateau {
namespace {

using nlohmann::json;
using Params = std::vector<Variable>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

GradientClipping clipping_of(const SpecArgs& a) {
  return {a.optional_number("clipnorm", std::nullopt), a.optional_number("global_clipnorm", std::nullopt),
          a.optional_number("clipvalue", std::nullopt)};
}

KerasCommonOptions keras_common(const SpecArgs& a) {
  const KerasCommonOptions d;
  return {.weight_decay = a.number("weight_decay", d.weight_decay), .decay = a.number("decay", d.decay),
          .clipping = clipping_of(a)};
}

// Each maker reads its keys with the options struct's defaults; `lr` (plateau train --lr) wins over the spec's.
std::unique_ptr<Optimizer> make_sgd(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const SGDOptions d;
  return std::make_unique<SGD>(params, SGDOptions{.lr = lr.value_or(a.number("lr", d.lr)),
                                                  .momentum = a.number("momentum", d.momentum),
                                                  .dampening = a.number("dampening", d.dampening),
                                                  .weight_decay = a.number("weight_decay", d.weight_decay),
                                                  .nesterov = a.boolean("nesterov", d.nesterov),
                                                  .clipping = clipping_of(a)});
}

std::unique_ptr<Optimizer> make_rmsprop(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const RMSpropOptions d;
  return std::make_unique<RMSprop>(params, RMSpropOptions{.lr = lr.value_or(a.number("lr", d.lr)),
                                                          .alpha = a.number("alpha", d.alpha),
                                                          .eps = a.number("eps", d.eps),
                                                          .weight_decay = a.number("weight_decay", d.weight_decay),
                                                          .momentum = a.number("momentum", d.momentum),
                                                          .centered = a.boolean("centered", d.centered),
                                                          .clipping = clipping_of(a)});
}

AdamOptions adam_options(const SpecArgs& a, const AdamOptions& d, std::optional<double> lr) {
  AdamOptions o{.lr = lr.value_or(a.number("lr", d.lr))};
  const std::vector<double> betas = a.numbers("betas", {d.beta1, d.beta2});
  PLATEAU_CHECK(betas.size() == 2, a.what(), ": betas must be a list of two numbers, got ", betas.size());
  o.beta1 = betas[0];
  o.beta2 = betas[1];
  o.eps = a.number("eps", d.eps);
  o.weight_decay = a.number("weight_decay", d.weight_decay);
  o.amsgrad = a.boolean("amsgrad", d.amsgrad);
  o.clipping = clipping_of(a);
  return o;
}

std::unique_ptr<Optimizer> make_adam(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  return std::make_unique<Adam>(params, adam_options(a, AdamOptions{}, lr));
}

std::unique_ptr<Optimizer> make_adamw(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  return std::make_unique<AdamW>(params, adam_options(a, AdamW::defaults(), lr));
}

std::unique_ptr<Optimizer> make_adagrad(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const AdagradOptions d;
  return std::make_unique<Adagrad>(
      params, AdagradOptions{.lr = lr.value_or(a.number("lr", d.lr)),
                             .lr_decay = a.number("lr_decay", d.lr_decay),
                             .weight_decay = a.number("weight_decay", d.weight_decay),
                             .initial_accumulator_value = a.number("initial_accumulator_value", d.initial_accumulator_value),
                             .eps = a.number("eps", d.eps),
                             .clipping = clipping_of(a)});
}

std::unique_ptr<Optimizer> make_adadelta(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const AdadeltaOptions d;
  return std::make_unique<Adadelta>(params, AdadeltaOptions{.lr = lr.value_or(a.number("lr", d.lr)),
                                                            .rho = a.number("rho", d.rho),
                                                            .eps = a.number("eps", d.eps),
                                                            .weight_decay = a.number("weight_decay", d.weight_decay),
                                                            .clipping = clipping_of(a)});
}

std::unique_ptr<Optimizer> make_keras_sgd(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const KerasSGDOptions d;
  KerasSGDOptions o{.learning_rate = lr.value_or(a.number("learning_rate", d.learning_rate)),
                    .momentum = a.number("momentum", d.momentum)};
  if (a.has("momentum"))  // as Keras: an int such as 0 is rejected (keras/src/optimizers/sgd.py)
    PLATEAU_CHECK(a.raw("momentum").is_number_float(), "keras.SGD: momentum must be a float in [0, 1] (as Keras, ",
                  "an int such as 0 is rejected), got ", a.raw("momentum").dump());
  o.nesterov = a.boolean("nesterov", d.nesterov);
  o.common = keras_common(a);
  return std::make_unique<KerasSGD>(params, o);
}

std::unique_ptr<Optimizer> make_keras_rmsprop(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const KerasRMSpropOptions d;
  return std::make_unique<KerasRMSprop>(
      params, KerasRMSpropOptions{.learning_rate = lr.value_or(a.number("learning_rate", d.learning_rate)),
                                  .rho = a.number("rho", d.rho),
                                  .momentum = a.number("momentum", d.momentum),
                                  .epsilon = a.number("epsilon", d.epsilon),
                                  .centered = a.boolean("centered", d.centered),
                                  .common = keras_common(a)});
}

std::unique_ptr<Optimizer> make_keras_adam(const SpecArgs& a, const Params& params, std::optional<double> lr) {
  const KerasAdamOptions d;
  return std::make_unique<KerasAdam>(
      params, KerasAdamOptions{.learning_rate = lr.value_or(a.number("learning_rate", d.learning_rate)),
                               .beta_1 = a.number("beta_1", d.beta_1),
                               .beta_2 = a.number("beta_2", d.beta_2),
                               .epsilon = a.number("epsilon", d.epsilon),
                               .amsgrad = a.boolean("amsgrad", d.amsgrad),
                               .common = keras_common(a)});
}

using Entry = SpecEntry<std::unique_ptr<Optimizer> (*)(const SpecArgs&, const Params&, std::optional<double>)>;
const Entry kOptimizers[] = {
    {"SGD", make_sgd},           {"RMSprop", make_rmsprop},         {"Adam", make_adam},
    {"AdamW", make_adamw},       {"Adagrad", make_adagrad},         {"Adadelta", make_adadelta},
    {"keras.SGD", make_keras_sgd}, {"keras.RMSprop", make_keras_rmsprop}, {"keras.Adam", make_keras_adam},
};

}  // namespace

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names = entry_names(kOptimizers);
  return names;
}

json normalize_optimizer_spec(const json& spec) {
  json out = spec.is_string() ? json{{"name", spec}} : spec;
  PLATEAU_CHECK(out.is_object() && out.contains("name") && out["name"].is_string(),
                "optimizer spec needs a \"name\" (one of ", join(optimizer_names()), "), got ", json_for_message(spec));
  const std::string given = out["name"].get<std::string>();
  for (const auto& n : optimizer_names())
    if (lower(n) == lower(given)) out["name"] = n;
  return out;
}

json parse_optimizer_spec(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first != std::string::npos && text[first] == '{')
    return normalize_optimizer_spec(parse_json_text(text, "optimizer spec"));
  return normalize_optimizer_spec(json(text));
}

std::unique_ptr<Optimizer> make_optimizer(const json& raw_spec, const std::vector<Variable>& params,
                                          std::optional<double> lr) {
  const json spec = normalize_optimizer_spec(raw_spec);
  const std::string name = spec["name"].get<std::string>();
  const Entry* e = find_entry(kOptimizers, name);
  PLATEAU_CHECK(e, "unknown optimizer '", printable(name), "' (valid: ", join(optimizer_names()), ")");
  return SpecArgs(spec, name, {"name"}).build([&](const SpecArgs& a) { return e->make(a, params, lr); });
}

}  // namespace plateau
