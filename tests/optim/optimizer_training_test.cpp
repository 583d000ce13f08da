// Integration: the seed CNN trained on 2,000 Fashion-MNIST images for 2 epochs lowers its loss with
// each of SGD, Momentum, Nesterov, RMSprop and Adam.
#include <gtest/gtest.h>

#include "plateau/core/autograd/variable.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/loss.h"
#include "plateau/training/metrics.h"

namespace plateau {
namespace {

const ImageDataset& train_subset() {
  static const ImageDataset data = load_mnist_format(default_data_dir(), "train").slice(0, 2000);
  return data;
}

// Mean training loss of each of 2 epochs (batch 64, fixed order).
std::vector<double> train_two_epochs(const nlohmann::json& optimizer_spec) {
  auto model = build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 42);
  auto opt = make_optimizer(optimizer_spec, model->parameters());
  const Loss loss("sparse_categorical_crossentropy");
  const ImageDataset& data = train_subset();
  std::vector<double> epoch_loss;
  for (int epoch = 0; epoch < 2; ++epoch) {
    Mean mean;
    for (int64_t start = 0; start < data.count; start += 64) {
      std::vector<int64_t> idx;
      for (int64_t i = start; i < std::min(data.count, start + 64); ++i) idx.push_back(i);
      Variable l = loss.from_softmax_logits(model->forward_logits(Variable(data.images(idx))), data.label_tensor(idx));
      opt->zero_grad();
      l.backward();
      opt->step();
      mean.update(l.value().item(), static_cast<double>(idx.size()));
    }
    epoch_loss.push_back(mean.result());
  }
  return epoch_loss;
}

class OptimizerTraining : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(OptimizerTraining, LossFallsOverTwoEpochs) {
  const auto losses = train_two_epochs(nlohmann::json::parse(GetParam().second));
  EXPECT_LT(losses[1], losses[0]) << GetParam().first << ": epoch losses " << losses[0] << ", " << losses[1];
  EXPECT_LT(losses[1], 1.0) << GetParam().first;  // well below ln(10) = 2.30 for a guessing model
}

INSTANTIATE_TEST_SUITE_P(
    SeedCnn, OptimizerTraining,
    ::testing::Values(std::make_pair("SGD", R"({"name":"SGD","lr":0.05})"),
                      std::make_pair("Momentum", R"({"name":"SGD","lr":0.01,"momentum":0.9})"),
                      std::make_pair("Nesterov", R"({"name":"SGD","lr":0.01,"momentum":0.9,"nesterov":true})"),
                      std::make_pair("RMSprop", R"({"name":"RMSprop","lr":0.001})"),
                      std::make_pair("Adam", R"({"name":"Adam","lr":0.001})")),
    [](const auto& info) { return std::string(info.param.first); });

}  // namespace
}  // namespace plateau
