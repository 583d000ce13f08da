#pragma once
// Schedules by spec, PyTorch's and Keras' own names and arguments:
//   {"name":"StepLR","step_size":7,"gamma":0.3}
//   {"name":"SequentialLR","schedulers":[{…},{…}],"milestones":[5]}
//   {"name":"keras.CosineDecay","initial_learning_rate":0.1,"decay_steps":1000}
// Every spec may add "unit": "epoch" | "batch" to say what one step is (defaults: batch for
// CyclicLR, OneCycleLR and the keras.* schedules, epoch otherwise).
// ReduceLROnPlateau is not an LRSchedule: is_plateau_spec() tells, plateau_options() parses it.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/schedulers/lr_schedule.h"
#include "plateau/schedulers/reduce_lr_on_plateau.h"

namespace plateau {

const std::vector<std::string>& schedule_names();
nlohmann::json parse_schedule_spec(const std::string& text);  // JSON text -> object, clear error if not
bool is_plateau_spec(const nlohmann::json& spec);
ReduceLROnPlateauOptions plateau_options(const nlohmann::json& spec);
std::unique_ptr<LRSchedule> make_schedule(const nlohmann::json& spec);

}  // namespace plateau
