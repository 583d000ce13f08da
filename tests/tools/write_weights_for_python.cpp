// Writes a seed-cnn weights file (argv[1]) and the same values as JSON (argv[2]) so that
// tests/layers/check_safetensors_python.py can read the file with only json and numpy and compare.
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "plateau/core/error.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s WEIGHTS.safetensors EXPECTED.json\n", argv[0]);
    return 2;
  }
  try {
    auto model = plateau::build_model(plateau::named_model_spec("seed-cnn"), {28, 28, 1}, 5);
    plateau::save_weights(*model, argv[1]);
    nlohmann::json expected = nlohmann::json::object();
    for (const auto& [name, t] : model->state_dict())
      expected[name] = {{"shape", t.shape().dims()}, {"values", t.to_vector()}};
    std::ofstream(argv[2]) << expected.dump();
  } catch (const plateau::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
