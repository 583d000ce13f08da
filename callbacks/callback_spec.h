#pragma once
// Callbacks by spec, Keras' names and arguments:
//   [{"name":"ReduceLROnPlateau","monitor":"val_loss","factor":0.5,"patience":3},
//    {"name":"EarlyStopping","patience":5,"restore_best_weights":true},
//    {"name":"ModelCheckpoint","filepath":"best.safetensors","monitor":"val_accuracy","save_best_only":true},
//    {"name":"LearningRateScheduler","schedule":"epoch < 5 ? lr : lr * 0.9"},   (or a scheduler spec object)
//    {"name":"CSVLogger","filename":"log.csv"}, {"name":"TerminateOnNaN"}]
// Relative file paths are taken inside `base_dir` (the run directory).

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plateau/callbacks/callback.h"

namespace plateau {

const std::vector<std::string>& callback_names();
nlohmann::json parse_callbacks_spec(const std::string& text);  // JSON text -> a list
std::unique_ptr<Callback> make_callback(const nlohmann::json& spec, const std::string& base_dir,
                                        bool dry_run = false);
std::vector<std::unique_ptr<Callback>> make_callbacks(const nlohmann::json& list, const std::string& base_dir,
                                                      bool dry_run = false);

}  // namespace plateau
