#pragma once
// The one way to set a training up: load a split of the data set, build a model from its spec and
// compile it. Every plateau subcommand calls these (and so will the Python package and each MPI
// rank), so that they cannot drift apart.
//
//   ImageDataset train = load_data({.split = "train", .limit = 2000});
//   auto model = build_compiled_model({.spec = named_model_spec("seed-cnn"), .optimizer = {{"name", "keras.Adam"}}});

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "plateau/datasets/image_dataset.h"
#include "plateau/training/model.h"

namespace plateau {

struct DataOptions {
  std::string dir;              // "" = default_data_dir(): $PLATEAU_DATA or Debian's dataset-fashion-mnist
  std::string split = "train";  // "train" or "test"
  int64_t limit = 0;            // the first `limit` images; 0 = all
};

ImageDataset load_data(const DataOptions& options);

struct ModelOptions {
  nlohmann::json spec;                      // a model spec (layers/model_spec.h: resolve_model_spec)
  Shape input_shape = Shape{28, 28, 1};     // per sample, Keras order (H,W,C)
  uint64_t seed = 42;                       // the initial weights
  std::string weights;                      // load these weights after building (.safetensors); "" = none
  nlohmann::json optimizer = nullptr;       // an optimizer spec; null = none (evaluate, predict)
  std::optional<double> lr = std::nullopt;  // overrides the optimizer spec's lr / learning_rate
  std::string loss = "sparse_categorical_crossentropy";
  std::string dtype_policy = "float32";     // or mixed_bfloat16, for every layer whose spec names none
};

std::unique_ptr<Model> build_compiled_model(const ModelOptions& options);

}  // namespace plateau
