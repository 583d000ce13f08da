#include "layers/weights.h"

#include "core/error.h"
#include "core/io/safetensors.h"

namespace plateau {

void save_weights(const Sequential& model, const std::string& path) {
  io::TensorFile file;
  file.tensors = model.state_dict();
  file.metadata["format"] = "plateau-weights";
  file.metadata["model"] = model.spec().dump();
  io::write_safetensors(path, file);
}

void load_weights(Sequential& model, const std::string& path) {
  const io::TensorFile file = io::read_safetensors(path);
  model.load_state_dict(file.tensors, "weights file '" + path + "'");
}

nlohmann::json model_spec_from_weights(const std::string& path) {
  const io::TensorFile file = io::read_safetensors(path);
  auto it = file.metadata.find("model");
  PLATEAU_CHECK(it != file.metadata.end(), "weights file '", path,
                "' holds no model spec in its metadata; pass --model to name the architecture");
  try {
    return nlohmann::json::parse(it->second);
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat("weights file '", path, "': the model spec in its metadata is not valid JSON (", e.what(), ")"));
  }
}

}  // namespace plateau
