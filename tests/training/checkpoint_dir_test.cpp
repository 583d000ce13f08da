// CheckpointDir and fit() as Keras' BackupAndRestore, from the C++ API alone: a run interrupted
// mid-epoch and fitted again with the same directory ends bit for bit where the uninterrupted run
// ends; the directory keeps the newest checkpoints and skips a corrupt one. Also Keras' split sizes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/reduce_lr_on_plateau.h"
#include "plateau/callbacks/schedule_callback.h"
#include "plateau/core/error.h"
#include "plateau/core/random.h"
#include "plateau/layers/model_spec.h"
#include "plateau/training/checkpoint_dir.h"
#include "plateau/training/setup.h"
#include "tests/support/scratch_dir.h"

namespace plateau {
namespace {

namespace fs = std::filesystem;

// A directory that does not exist yet, inside this process's scratch directory.
fs::path fresh_dir(const std::string& name) {
  static const fs::path scratch = testing::scratch_dir("plateau_checkpoint_dir_test");
  const fs::path d = scratch / name;
  fs::remove_all(d);
  return d;
}

// Random images with labels: what the run learns does not matter here, only that it is repeatable.
ImageDataset random_images(int64_t count, uint64_t seed) {
  ImageDataset d{count, 28, 28, std::vector<uint8_t>(static_cast<size_t>(count) * 784), std::vector<uint8_t>(count)};
  Rng rng(seed);
  for (auto& p : d.pixels) p = static_cast<uint8_t>(rng.below(256));
  for (auto& l : d.labels) l = static_cast<uint8_t>(rng.below(10));
  return d;
}

std::unique_ptr<Model> mlp() {
  return build_compiled_model({.spec = named_model_spec("mlp"),
                               .seed = 7,
                               .optimizer = {{"name", "SGD"}, {"lr", 0.05}, {"momentum", 0.9}}});
}

// Every stateful piece switched on: a plateau cut, early stopping with best weights, a per-batch schedule.
CallbackList stateful_callbacks() {
  CallbackList list;
  list.add(std::make_unique<callbacks::ReduceLROnPlateau>(
      callbacks::ReduceLROnPlateauOptions{.monitor = "loss", .factor = 0.5, .patience = 0}));
  list.add(std::make_unique<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "val_loss", .patience = 5, .restore_best_weights = true}));
  list.add(std::make_unique<callbacks::ScheduleCallback>(
      nlohmann::json{{"name", "OneCycleLR"}, {"max_lr", 0.1}, {"total_steps", 24}}));
  return list;
}

FitOptions options(CheckpointDir* dir) {
  return {.batch_size = 32, .epochs = 4, .validation_split = 0.25, .seed = 3, .print = [](const std::string&) {},
          .warn = [](const std::string&) {}, .checkpoints = dir, .checkpoint_every_batches = 2};
}

TEST(CheckpointDir, AFitInterruptedMidEpochResumesBitForBitWithoutTheCli) {
  const ImageDataset data = random_images(256, 1);  // 192 training rows: 6 batches an epoch
  auto reference = mlp();
  CallbackList reference_callbacks = stateful_callbacks();
  reference->fit(data, options(nullptr), reference_callbacks);

  CheckpointDir dir(fresh_dir("plateau_ckpt_dir").string(), {.keep_last = 3});
  {
    auto first = mlp();
    CallbackList callbacks = stateful_callbacks();
    FitOptions o = options(&dir);
    o.interrupt = [&first] { return first->state().global_step == 9; };  // epoch 2, batch 4 of 6
    first->fit(data, o, callbacks);
    ASSERT_TRUE(first->interrupted());
  }
  EXPECT_EQ(dir.files().size(), 3u) << "keep_last";
  EXPECT_EQ(fs::path(dir.files().back()).filename(), "ckpt-e0001-b000003.safetensors");

  auto second = mlp();  // a new process would start here: new weights, new callbacks, the same directory
  CallbackList callbacks = stateful_callbacks();
  second->fit(data, options(&dir), callbacks);
  ASSERT_FALSE(second->interrupted());
  const StateDict a = reference->net().state_dict(), b = second->net().state_dict();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(identical(a[i].second, b[i].second)) << a[i].first;
  EXPECT_EQ(reference_callbacks.history().logs, callbacks.history().logs);
  ASSERT_EQ(reference->state().lr_changes.size(), second->state().lr_changes.size());
  for (size_t i = 0; i < reference->state().lr_changes.size(); ++i)
    EXPECT_EQ(reference->state().lr_changes[i].new_lr, second->state().lr_changes[i].new_lr);
  EXPECT_TRUE(fs::path(dir.files().back()).filename().string().find("-final") != std::string::npos);

  // Fitting once more finds the finished run and trains nothing: the weights stay the final ones.
  auto third = mlp();
  CallbackList more = stateful_callbacks();
  third->fit(data, options(&dir), more);
  const StateDict c = third->net().state_dict();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(identical(a[i].second, c[i].second)) << a[i].first;
}

TEST(CheckpointDir, ACorruptNewestCheckpointIsSkippedWithAWarning) {
  CheckpointDir dir(fresh_dir("plateau_ckpt_corrupt").string(), {.keep_last = 2});
  auto model = mlp();
  for (int64_t b = 1; b <= 3; ++b) dir.save(model->capture(CallbackList(), FitCursor{.batch = b, .global_step = b}));
  ASSERT_EQ(dir.files().size(), 2u);
  {
    std::fstream f(dir.files().back(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x7f');
  }
  std::vector<std::string> warnings;
  std::string used;
  const auto c = dir.latest(&warnings, &used);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->cursor.batch, 2);
  EXPECT_EQ(used, dir.files().front());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("checksum mismatch"), std::string::npos) << warnings[0];
}

TEST(Fit, ValidationSplitKeepsTheFloorOfTheTrainingRowsAsKeras) {
  // Keras 3 (keras/src/trainers/data_adapters/array_slicing.py, train_validation_split):
  // split_at = floor(n * (1 - validation_split)); with 1,001 samples and 0.2, it trains on 800.
  const ImageDataset data = random_images(1001, 2);
  auto model = mlp();
  CallbackList callbacks;
  model->fit(data, {.batch_size = 100, .epochs = 1, .validation_split = 0.2, .print = [](const std::string&) {}},
             callbacks);
  EXPECT_EQ(model->state().steps_per_epoch, 8) << "800 rows in batches of 100 (801 would make 9)";
}

}  // namespace
}  // namespace plateau
