// safetensors weights files, as `plateau evaluate --weights FILE` reads a stranger's file: decode,
// build the model its metadata names, load the weights into it (core/io/safetensors.h,
// layers/weights.h). Any bytes give a loaded model or a plateau::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "plateau/core/error.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const plateau::io::TensorFile file = plateau::io::decode_safetensors(bytes, "fuzz.safetensors");
    const nlohmann::json spec = plateau::model_spec_from_metadata(file, "fuzz.safetensors");
    auto model = plateau::build_model(spec, plateau::model_input_shape(spec), 0);
    model->load_state_dict(file.tensors, "fuzz.safetensors");
  } catch (const plateau::Error&) {
  }
  return 0;
}
