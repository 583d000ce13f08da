// Specs and config files from outside, as `plateau train --model/--optimizer/--schedule/--callbacks
// /--config` and `plateau replay --callbacks` read them. The first byte picks the reader, the rest is
// the text. Any text gives a built object (driven a few steps) or a plateau::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "apps/options.h"
#include "plateau/callbacks/callback_list.h"
#include "plateau/callbacks/callback_spec.h"
#include "plateau/callbacks/replay.h"
#include "plateau/core/error.h"
#include "plateau/core/json_field.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/reduce_lr_on_plateau.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/schedulers/scheduler.h"

namespace {

using namespace plateau;

std::vector<Variable> one_parameter() { return {Variable(Tensor(Shape{3}, 0.5f), true)}; }

void model(const std::string& text) {
  const nlohmann::json spec = normalize_model_spec(parse_json_text(text, "model spec"), "model spec");
  build_model(spec, model_input_shape(spec), 1);
}

void optimizer(const std::string& text) {
  auto params = one_parameter();
  auto opt = make_optimizer(parse_optimizer_spec(text), params);
  params[0].accumulate_grad(Tensor(Shape{3}, 0.25f));
  for (int i = 0; i < 3; ++i) opt->step();
}

void schedule(const std::string& text) {
  const nlohmann::json spec = parse_schedule_spec(text);
  auto params = one_parameter();
  auto opt = make_optimizer(nlohmann::json{{"name", "SGD"}, {"lr", 0.1}, {"momentum", 0.9}}, params);
  if (is_plateau_spec(spec)) {
    ReduceLROnPlateau plateau(*opt, plateau_options(spec));
    for (double v : {1.0, 0.9, 0.95, 0.97, 0.99, 1.2}) plateau.step(v);
    return;
  }
  Scheduler scheduler(make_schedule(spec), *opt);
  for (int i = 0; i < 40; ++i) scheduler.step();
  scheduler.set_step(1000000);
}

void callback_list(const std::string& text) {
  CallbackList list(make_callbacks(parse_callbacks_spec(text), "", /*dry_run=*/true));
  std::vector<Logs> epochs;
  for (double v : {0.9, 0.8, 0.85, 0.86, 0.7, 0.71, 0.72, 0.73})
    epochs.push_back({{"loss", v}, {"accuracy", 1 - v}, {"val_loss", v + 0.1}, {"val_accuracy", 0.9 - v}});
  replay(list, epochs, 1e-3);
}

void config(const std::string& text) {
  apps::Options c;
  c.apply_json(parse_json_text(text, "--config"));
  (void)c.to_json().dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0: model(text); break;
      case 1: optimizer(text); break;
      case 2: schedule(text); break;
      case 3: callback_list(text); break;
      default: config(text); break;
    }
  } catch (const plateau::Error&) {
  }
  return 0;
}
