#include "plateau/layers/weights.h"

#include "plateau/core/error.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/core/json_field.h"
#include "plateau/layers/model_spec.h"

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
  return model_spec_from_metadata(io::read_safetensors(path), path);
}

nlohmann::json model_spec_from_metadata(const io::TensorFile& file, const std::string& source) {
  const std::string where = "weights file '" + printable(source, 200) + "'";
  auto it = file.metadata.find("model");
  PLATEAU_CHECK(it != file.metadata.end(), where,
                " holds no model spec in its metadata; pass --model to name the architecture");
  const std::string what = where + ": the model spec in its metadata";
  return normalize_model_spec(parse_json_text(it->second, what), what);
}

}  // namespace plateau
