// fit() against PyTorch: four keras.Adam steps of the seed CNN on real Fashion-MNIST images end where
// a float64 PyTorch replica of Keras' rules ends (tests/fixtures/make_torch_fixtures.py,
// seed_cnn_training_case). This pins down the whole training step at once: forward with the fused
// batch-norm + pooling steps, loss, backward, Keras batch-norm moving statistics and the Keras Adam update.
#include <gtest/gtest.h>

#include "plateau/callbacks/callback_list.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "plateau/optim/keras_adam.h"
#include "tests/support/fixtures.h"
#include "plateau/training/model.h"

namespace plateau {
namespace {

TEST(SeedCnnTorch, FourKerasAdamStepsMatchPyTorch) {
  const std::string init = std::string(PLATEAU_FIXTURE_DIR) + "/models/seed_cnn_torch.safetensors";
  nlohmann::json spec = model_spec_from_weights(init);
  for (auto& layer : spec["layers"])  // Dropout off: PyTorch cannot draw plateau's masks
    if (layer["type"] == "Dropout") layer["rate"] = 0.0;
  auto net = build_model(spec, {28, 28, 1}, /*seed=*/1);
  load_weights(*net, init);
  Model model(std::move(net));
  model.compile(std::make_unique<KerasAdam>(model.net().parameters(), KerasAdamOptions{.learning_rate = 1e-3}),
                Loss("sparse_categorical_crossentropy"));

  const ImageDataset train = load_mnist_format(default_data_dir(), "train").slice(0, 256);
  CallbackList callbacks;
  const callbacks::History history =
      model.fit(train, {.batch_size = 128, .epochs = 2, .validation_split = 0.0, .shuffle = false}, callbacks);

  const auto expected = testing::load_fixture("models", "seed_cnn_torch_trained");
  const Tensor& epoch_loss = expected.at("epoch_loss");
  ASSERT_EQ(history.history.at("loss").size(), 2u);
  for (int e = 0; e < 2; ++e) EXPECT_NEAR(history.history.at("loss")[e], epoch_loss[e], 1e-5) << "epoch " << e;

  // Parameters: observed at most 8e-5 of each tensor's scale, about what PyTorch's own float32 run of the
  // replica gives (Adam turns float32 rounding in tiny gradients into whole steps); one Adam step moves a
  // weight by up to lr = 1e-3, about 1% of these tensors' scale. Moving statistics: observed at most 1.4e-6;
  // PyTorch's unbiased variance in the moving average would put the last layer's 1.6e-5 off.
  for (const auto& [name, value] : model.net().state_dict()) {
    const bool moving_statistic = name.find("running_") != std::string::npos;
    testing::expect_close(value, expected.at(name), moving_statistic ? 1e-5 : 5e-4, name);
  }

  const Logs eval = model.evaluate(train, 128);
  EXPECT_NEAR(eval.at("loss"), expected.at("eval_loss")[0], 1e-5);
}

}  // namespace
}  // namespace plateau
