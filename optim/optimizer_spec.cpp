#include "optim/optimizer_spec.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/spec_args.h"
#include "optim/adadelta.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/keras_adam.h"
#include "optim/keras_rmsprop.h"
#include "optim/keras_sgd.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"

namespace plateau {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> with_clipping(std::vector<std::string> keys) {
  keys.insert(keys.end(), {"clipnorm", "global_clipnorm", "clipvalue"});
  return keys;
}

GradientClipping clipping_of(const SpecArgs& a) {
  GradientClipping c;
  if (a.has("clipnorm")) c.clipnorm = a.number("clipnorm", 0);
  if (a.has("global_clipnorm")) c.global_clipnorm = a.number("global_clipnorm", 0);
  if (a.has("clipvalue")) c.clipvalue = a.number("clipvalue", 0);
  return c;
}

KerasCommonOptions keras_common(const SpecArgs& a) {
  return {a.number("weight_decay", 0.0), a.number("decay", 0.0), clipping_of(a)};
}

}  // namespace

const std::vector<std::string>& optimizer_names() {
  static const std::vector<std::string> names{"SGD",     "RMSprop",   "Adam",          "AdamW",     "Adagrad",
                                              "Adadelta", "keras.SGD", "keras.RMSprop", "keras.Adam"};
  return names;
}

json normalize_optimizer_spec(const json& spec) {
  json out = spec.is_string() ? json{{"name", spec}} : spec;
  PLATEAU_CHECK(out.is_object() && out.contains("name") && out["name"].is_string(),
                "optimizer spec needs a \"name\" (one of ", join(optimizer_names()), "), got ", spec.dump());
  const std::string given = out["name"].get<std::string>();
  for (const auto& n : optimizer_names())
    if (lower(n) == lower(given)) out["name"] = n;
  return out;
}

json parse_optimizer_spec(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first != std::string::npos && text[first] == '{') {
    try {
      return normalize_optimizer_spec(json::parse(text));
    } catch (const json::exception& e) {
      throw Error(cat("optimizer spec is not valid JSON: ", e.what()));
    }
  }
  return normalize_optimizer_spec(json(text));
}

std::unique_ptr<Optimizer> make_optimizer(const json& raw_spec, const std::vector<Variable>& params,
                                          std::optional<double> lr) {
  const json spec = normalize_optimizer_spec(raw_spec);
  const std::string name = spec["name"].get<std::string>();
  if (name == "SGD") {
    SpecArgs a(spec, name, with_clipping({"lr", "momentum", "dampening", "weight_decay", "nesterov"}));
    return std::make_unique<SGD>(params, SGDOptions{lr.value_or(a.number("lr", 1e-3)), a.number("momentum", 0.0),
                                                    a.number("dampening", 0.0), a.number("weight_decay", 0.0),
                                                    a.boolean("nesterov", false), clipping_of(a)});
  }
  if (name == "RMSprop") {
    SpecArgs a(spec, name, with_clipping({"lr", "alpha", "eps", "weight_decay", "momentum", "centered"}));
    return std::make_unique<RMSprop>(
        params, RMSpropOptions{lr.value_or(a.number("lr", 1e-2)), a.number("alpha", 0.99), a.number("eps", 1e-8),
                               a.number("weight_decay", 0.0), a.number("momentum", 0.0),
                               a.boolean("centered", false), clipping_of(a)});
  }
  if (name == "Adam" || name == "AdamW") {
    SpecArgs a(spec, name, with_clipping({"lr", "betas", "eps", "weight_decay", "amsgrad"}));
    const AdamOptions defaults = name == "AdamW" ? AdamW::defaults() : AdamOptions{};
    const std::vector<double> betas = a.numbers("betas", {defaults.beta1, defaults.beta2});
    PLATEAU_CHECK(betas.size() == 2, name, ": betas must be a list of two numbers, got ", spec["betas"].dump());
    const AdamOptions o{lr.value_or(a.number("lr", defaults.lr)), betas[0], betas[1], a.number("eps", defaults.eps),
                        a.number("weight_decay", defaults.weight_decay), a.boolean("amsgrad", false),
                        clipping_of(a)};
    if (name == "AdamW") return std::make_unique<AdamW>(params, o);
    return std::make_unique<Adam>(params, o);
  }
  if (name == "Adagrad") {
    SpecArgs a(spec, name, with_clipping({"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"}));
    return std::make_unique<Adagrad>(
        params, AdagradOptions{lr.value_or(a.number("lr", 1e-2)), a.number("lr_decay", 0.0),
                               a.number("weight_decay", 0.0), a.number("initial_accumulator_value", 0.0),
                               a.number("eps", 1e-10), clipping_of(a)});
  }
  if (name == "Adadelta") {
    SpecArgs a(spec, name, with_clipping({"lr", "rho", "eps", "weight_decay"}));
    return std::make_unique<Adadelta>(params,
                                      AdadeltaOptions{lr.value_or(a.number("lr", 1.0)), a.number("rho", 0.9),
                                                      a.number("eps", 1e-6), a.number("weight_decay", 0.0),
                                                      clipping_of(a)});
  }
  if (name == "keras.SGD") {
    SpecArgs a(spec, name, with_clipping({"learning_rate", "momentum", "nesterov", "weight_decay", "decay"}));
    PLATEAU_CHECK(!a.has("momentum") || spec["momentum"].is_number_float(),
                  "keras.SGD: momentum must be a float in [0, 1] (as Keras, an int such as 0 is rejected), got ",
                  spec.contains("momentum") ? spec["momentum"].dump() : "");
    return std::make_unique<KerasSGD>(params,
                                      KerasSGDOptions{lr.value_or(a.number("learning_rate", 0.01)),
                                                      a.number("momentum", 0.0), a.boolean("nesterov", false),
                                                      keras_common(a)});
  }
  if (name == "keras.RMSprop") {
    SpecArgs a(spec, name,
               with_clipping({"learning_rate", "rho", "momentum", "epsilon", "centered", "weight_decay", "decay"}));
    return std::make_unique<KerasRMSprop>(
        params, KerasRMSpropOptions{lr.value_or(a.number("learning_rate", 1e-3)), a.number("rho", 0.9),
                                    a.number("momentum", 0.0), a.number("epsilon", 1e-7), a.boolean("centered", false),
                                    keras_common(a)});
  }
  if (name == "keras.Adam") {
    SpecArgs a(spec, name,
               with_clipping({"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay", "decay"}));
    return std::make_unique<KerasAdam>(
        params, KerasAdamOptions{lr.value_or(a.number("learning_rate", 1e-3)), a.number("beta_1", 0.9),
                                 a.number("beta_2", 0.999), a.number("epsilon", 1e-7), a.boolean("amsgrad", false),
                                 keras_common(a)});
  }
  throw Error(cat("unknown optimizer '", name, "' (valid: ", join(optimizer_names()), ")"));
}

}  // namespace plateau
