#pragma once
// Optimizers by spec, with the anchors' own argument names:
//   {"name":"SGD","lr":0.01,"momentum":0.9,"nesterov":true}, {"name":"keras.RMSprop","learning_rate":1e-3},
//   or a bare name ("adam", "sgd", case-insensitive) with defaults.
// Every optimizer also takes clipnorm, global_clipnorm or clipvalue.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/optim/optimizer.h"

namespace plateau {

const std::vector<std::string>& optimizer_names();

// Text from the command line or a config: a JSON object, or a bare name. Returns {"name": …, …}.
nlohmann::json parse_optimizer_spec(const std::string& text);
nlohmann::json normalize_optimizer_spec(const nlohmann::json& spec);  // a string name -> {"name": …}

// `lr` (when set) overrides the spec's lr / learning_rate, as `plateau train --lr` does.
std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& spec, const std::vector<Variable>& params,
                                          std::optional<double> lr = std::nullopt);

}  // namespace plateau
