#pragma once
// What the training-step benchmarks train: the seed CNN as `plateau train` builds it (Keras Adam,
// sparse categorical cross-entropy) and one batch of random images with random labels.
#include <memory>
#include <vector>

#include "plateau/core/random.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/model.h"

namespace plateau::bench {

inline std::unique_ptr<Model> seed_cnn_model() {
  auto model = std::make_unique<Model>(build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 1));
  model->compile(make_optimizer(parse_optimizer_spec("keras.Adam"), model->net().parameters()),
                 Loss("sparse_categorical_crossentropy"));
  model->net().train();
  return model;
}

// `batch` random 28x28 images with labels, and the indices 0 … batch − 1 of a step over all of them.
struct RandomBatch {
  ImageDataset data;
  std::vector<int64_t> indices;
};

inline RandomBatch random_batch(int64_t batch) {
  RandomBatch b{{batch, 28, 28, std::vector<uint8_t>(batch * 28 * 28), std::vector<uint8_t>(batch)}, {}};
  Rng rng(2);
  for (auto& p : b.data.pixels) p = static_cast<uint8_t>(rng.below(256));
  for (auto& l : b.data.labels) l = static_cast<uint8_t>(rng.below(10));
  for (int64_t i = 0; i < batch; ++i) b.indices.push_back(i);
  return b;
}

}  // namespace plateau::bench
