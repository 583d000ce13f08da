// A seed-cnn weights file written by PyTorch (tests/fixtures/make_torch_fixtures.py, with only json
// and numpy doing the writing) loads into plateau, and plateau's logits on the first 16 real
// Fashion-MNIST test images match PyTorch's within 1e-4.
#include <gtest/gtest.h>

#include "plateau/core/autograd/variable.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "tests/support/fixtures.h"

namespace plateau {
namespace {

TEST(SeedCnnTorch, LogitsMatchPyTorchOnRealImages) {
  const std::string weights = std::string(PLATEAU_FIXTURE_DIR) + "/models/seed_cnn_torch.safetensors";
  const nlohmann::json spec = model_spec_from_weights(weights);
  auto model = build_model(spec, {28, 28, 1}, /*seed=*/123);
  load_weights(*model, weights);
  model->eval();

  const ImageDataset test = load_mnist_format(default_data_dir(), "test");
  std::vector<int64_t> first16;
  for (int64_t i = 0; i < 16; ++i) first16.push_back(i);
  NoGradGuard no_grad;
  const Variable logits = model->forward_logits(Variable(test.images(first16)));
  const auto expected = testing::load_fixture("models", "seed_cnn_torch_logits");
  testing::expect_close(logits.value(), expected.at("logits"), 1e-4, "logits");
}

}  // namespace
}  // namespace plateau
