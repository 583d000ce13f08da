#pragma once
// Model weights as safetensors: tensor "<i>.<param>" for layer i (PyTorch layouts), the model spec
// in __metadata__["model"], so `plateau evaluate` can rebuild the model from the file alone and the
// file loads into the equivalent PyTorch nn.Sequential unchanged.

#include <string>

#include <nlohmann/json.hpp>

#include "plateau/core/io/safetensors.h"
#include "plateau/layers/sequential.h"

namespace plateau {

void save_weights(const Sequential& model, const std::string& path);  // crash-safe write
// Loads every parameter and buffer; a file for another architecture, or a corrupt one, is an error
// naming the file and the mismatch, and the model is left unchanged.
void load_weights(Sequential& model, const std::string& path);
// The spec stored in a weights file's metadata; error when the file has none.
nlohmann::json model_spec_from_weights(const std::string& path);
nlohmann::json model_spec_from_metadata(const io::TensorFile& file, const std::string& source);

}  // namespace plateau
