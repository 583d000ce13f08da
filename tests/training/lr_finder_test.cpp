// The LR range test leaves no trace: weights, buffers, optimizer state and random streams are exactly
// as before, so a training run after it is the same as without it.
#include <gtest/gtest.h>

#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/dropout.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/lr_finder.h"
#include "plateau/training/model.h"

namespace plateau {
namespace {

TEST(LrFinder, LeavesModelAndOptimizerUnchanged) {
  const ImageDataset data = load_mnist_format(default_data_dir(), "train").slice(0, 512);
  Model model(build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 7));
  model.compile(make_optimizer(nlohmann::json{{"name", "Adam"}}, model.net().parameters()),
                Loss("sparse_categorical_crossentropy"));
  // one real step first, so the optimizer has slots and a step count to preserve
  const LrFinderResult warm = find_lr(model, data, {1e-4, 1e-3, 5, 64, 1, 0.98, 4.0});
  const StateDict weights = model.net().state_dict();
  const OptimizerState opt = model.optimizer().state_dict();
  const auto* dropout = dynamic_cast<Dropout*>(model.net().layers()[10].get());
  ASSERT_NE(dropout, nullptr);
  const auto stream = const_cast<Dropout*>(dropout)->rng().state();

  const LrFinderResult r = find_lr(model, data, {1e-6, 1.0, 30, 64, 3, 0.98, 4.0});
  EXPECT_GE(r.lr.size(), 5u);
  EXPECT_GT(r.suggested_lr, 0.0);
  const StateDict after = model.net().state_dict();
  for (size_t i = 0; i < weights.size(); ++i) EXPECT_TRUE(identical(weights[i].second, after[i].second)) << weights[i].first;
  const OptimizerState opt_after = model.optimizer().state_dict();
  EXPECT_EQ(opt_after.scalars, opt.scalars);
  ASSERT_EQ(opt_after.tensors.size(), opt.tensors.size());
  for (size_t i = 0; i < opt.tensors.size(); ++i) EXPECT_TRUE(identical(opt.tensors[i].second, opt_after.tensors[i].second));
  EXPECT_EQ(const_cast<Dropout*>(dropout)->rng().state(), stream);
  EXPECT_EQ(warm.lr.size(), 5u);
}

}  // namespace
}  // namespace plateau
