// Callbacks against scripted logs (Keras' own *_test.py style): each trap of keras_semantics.md §10
// that applies, through replay(), which drives the same hooks fit() drives.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "plateau/callbacks/callback_spec.h"
#include "plateau/callbacks/csv_logger.h"
#include "plateau/callbacks/early_stopping.h"
#include "plateau/callbacks/learning_rate_scheduler.h"
#include "plateau/callbacks/model_checkpoint.h"
#include "plateau/callbacks/reduce_lr_on_plateau.h"
#include "plateau/callbacks/replay.h"
#include "plateau/core/error.h"
#include "tests/support/error_of.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau {
namespace {

using callbacks::EarlyStopping;
using callbacks::EarlyStoppingOptions;
using callbacks::ModelCheckpoint;
using callbacks::ModelCheckpointOptions;
using callbacks::ReduceLROnPlateau;
using callbacks::ReduceLROnPlateauOptions;

std::vector<Logs> series(const std::string& key, const std::vector<double>& values) {
  std::vector<Logs> out;
  for (double v : values) out.push_back({{key, v}});
  return out;
}

template <typename... C>
ReplayResult run(const std::vector<Logs>& logs, double lr, std::unique_ptr<C>... cbs) {
  std::vector<std::unique_ptr<Callback>> list;
  (list.push_back(std::move(cbs)), ...);
  CallbackList callbacks(std::move(list));
  return replay(callbacks, logs, lr);
}

std::vector<double> lrs(const ReplayResult& r) {
  std::vector<double> out;
  for (const auto& e : r.epochs) out.push_back(e.lr);
  return out;
}

using testing::error_of;

// ---- ReduceLROnPlateau ----

TEST(ReduceLROnPlateau, CooldownTwoOnAFlatMetricCutsAtEpochsOneAndThree) {
  // Keras' test_reduce_lr_on_plateau (reduce_lr_on_plateau_test.py): 0.1 -> 0.001 after 4 epochs.
  auto r = run(series("val_loss", {1, 1, 1, 1, 1}), 0.1,
               std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1, .cooldown = 2}));
  const auto lr = lrs(r);
  EXPECT_FLOAT_EQ(lr[1], 0.1f);   // epoch 0 set best; epoch 1 is the first bad one -> cut at its end
  EXPECT_FLOAT_EQ(lr[2], 0.01f);
  EXPECT_FLOAT_EQ(lr[3], 0.01f);  // cooldown 2 froze only epoch 2 (c - 1 epochs); cut again at epoch 3
  EXPECT_FLOAT_EQ(lr[4], 0.001f);
}

TEST(ReduceLROnPlateau, PatienceZeroActsAsOne) {
  auto zero = run(series("val_loss", {1, 1, 1}), 0.1,
                  std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 0}));
  auto one = run(series("val_loss", {1, 1, 1}), 0.1,
                 std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1}));
  EXPECT_EQ(lrs(zero), lrs(one));
  EXPECT_FLOAT_EQ(lrs(zero)[2], 0.01f);
}

TEST(ReduceLROnPlateau, CooldownOneIsANoOp) {
  auto with = run(series("val_loss", {1, 1, 1, 1, 1}), 0.1,
                  std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1, .cooldown = 1}));
  auto without = run(series("val_loss", {1, 1, 1, 1, 1}), 0.1,
                     std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1, .cooldown = 0}));
  EXPECT_EQ(lrs(with), lrs(without));
}

TEST(ReduceLROnPlateau, MinLrBlocksTheCutAndResetsNothing) {
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<ReduceLROnPlateau>(
      ReduceLROnPlateauOptions{.factor = 0.5, .patience = 1, .cooldown = 3, .min_lr = 0.03}));
  CallbackList callbacks(std::move(list));
  const auto* plateau = callbacks.find<ReduceLROnPlateau>();
  const auto lr = lrs(replay(callbacks, series("val_loss", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 0.1));
  EXPECT_FLOAT_EQ(lr[2], 0.05f);  // cut at the end of epoch 1
  EXPECT_FLOAT_EQ(lr[5], 0.03f);  // cooldown 3 froze epochs 2-3; cut at the end of epoch 4, clamped to min_lr
  EXPECT_FLOAT_EQ(lr.back(), 0.03f);
  // From epoch 7 on the cut is blocked at f32(min_lr): no cooldown starts and wait keeps growing (7..10)
  EXPECT_EQ(plateau->cooldown_counter(), 0);
  EXPECT_EQ(plateau->wait(), 4);
}

TEST(ReduceLROnPlateau, Float32ComparisonIgnoresSubFloatImprovements) {
  auto r = run(series("val_loss", {0.5, 0.5 - 1e-9, 0.5 - 2e-9}), 0.1,
               std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 2, .min_delta = 0}));
  EXPECT_FLOAT_EQ(lrs(r).back(), 0.1f);  // epoch 1 and 2 are both bad -> the cut happens at the end of epoch 2
  EXPECT_EQ(r.lr_changes.size(), 1u);
}

TEST(ReduceLROnPlateau, NanFirstValuePoisonsBest) {
  auto r = run(series("val_loss", {std::nan(""), 0.1, 0.05, 0.01}), 0.1,
               std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1}));
  EXPECT_EQ(r.lr_changes.size(), 3u);  // nothing improves on NaN, so every epoch after the first cuts
}

TEST(ReduceLROnPlateau, MissingMonitorMovesNothingAndUnknownMonitorIsAnErrorBeforeTraining) {
  std::vector<Logs> logs{{{"val_loss", 1}}, {{"loss", 1}}, {{"val_loss", 1}}, {{"loss", 1}}};
  auto r = run(logs, 0.1, std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1}));
  EXPECT_FLOAT_EQ(lrs(r)[3], 0.01f);  // only epochs 0 and 2 count: one cut, at the end of epoch 2
  EXPECT_EQ(r.lr_changes.size(), 1u);
  const std::string e = error_of([] {
    run(series("val_accuracy", {0.5}), 0.1,
        std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.monitor = "val_acc", .mode = "max"}));
  });
  EXPECT_NE(e.find("monitor 'val_acc' is not in any epoch's logs (available: learning_rate, val_accuracy)"),
            std::string::npos)
      << e;
}

TEST(ReduceLROnPlateau, LogsLearningRateBeforeTheCutAndRejectsFactorOne) {
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1}));
  CallbackList callbacks(std::move(list));
  replay(callbacks, series("val_loss", {1, 1}), 0.1);
  EXPECT_FLOAT_EQ(callbacks.history().history["learning_rate"][1], 0.1f);
  EXPECT_THROW(ReduceLROnPlateau(ReduceLROnPlateauOptions{.factor = 1.0}), Error);
  EXPECT_NE(error_of([] { ReduceLROnPlateau(ReduceLROnPlateauOptions{.monitor = "val_top5"}); })
                .find("cannot infer whether 'val_top5' should be minimized or maximized"),
            std::string::npos);
}

// ---- EarlyStopping ----

TEST(EarlyStopping, PatienceZeroStopsAtEpochTwoOfKerasSequence) {
  // early_stopping_test.py: [10, 9, 8, 9, 8.9, 8.8, …] stops at epoch max(patience, 1) + 2.
  for (int64_t patience : {0, 1, 2}) {
    auto r = run(series("val_loss", {10, 9, 8, 9, 8.9, 8.8, 8.7, 8.6, 8.5}), 0.1,
                 std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = patience}));
    ASSERT_TRUE(r.stopped_epoch.has_value()) << patience;
    EXPECT_EQ(*r.stopped_epoch, std::max<int64_t>(patience, 1) + 2) << patience;
  }
}

TEST(EarlyStopping, BaselineOnlyDecidesTheWaitReset) {
  // early_stopping_test.py: [.9,.8,.7,.71,.72,.73], patience 5, baseline .5 -> 5 epochs, restores epoch 2
  auto r = run(series("val_loss", {0.9, 0.8, 0.7, 0.71, 0.72, 0.73}), 0.1,
               std::make_unique<EarlyStopping>(
                   EarlyStoppingOptions{.patience = 5, .baseline = 0.5, .restore_best_weights = true}));
  EXPECT_EQ(r.epochs.size(), 5u);
  EXPECT_EQ(r.stopped_epoch, 4);
  EXPECT_EQ(r.restored_epoch, 2);
}

TEST(EarlyStopping, ImprovingEpochNeverStopsAndEpochZeroNeverStops) {
  auto improving = run(series("val_loss", {5, 4, 3, 2, 1}), 0.1,
                       std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = 0, .baseline = 0.1}));
  EXPECT_FALSE(improving.stopped_epoch.has_value());
  auto first = run(series("val_loss", {std::nan("")}), 0.1,
                   std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = 0}));
  EXPECT_FALSE(first.stopped_epoch.has_value());
}

TEST(EarlyStopping, RestoresAtTrainEndEvenWithoutStopping) {
  auto r = run(series("val_loss", {3, 1, 2, 1.5}), 0.1,
               std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = 5, .restore_best_weights = true}));
  EXPECT_FALSE(r.stopped_epoch.has_value());
  EXPECT_EQ(r.restored_epoch, 1);
}

TEST(EarlyStopping, TiesDoNotMoveTheBestEpochAndStartFromEpochSkipsWarmup) {
  auto ties = run(series("val_loss", {2, 1, 1, 1}), 0.1,
                  std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = 9, .restore_best_weights = true}));
  EXPECT_EQ(ties.restored_epoch, 1);
  auto warm = run(series("val_loss", {0.1, 5, 4, 3, 3, 3}), 0.1,
                  std::make_unique<EarlyStopping>(
                      EarlyStoppingOptions{.patience = 1, .restore_best_weights = true, .start_from_epoch = 1}));
  EXPECT_EQ(warm.stopped_epoch, 4);  // epoch 0's 0.1 was never looked at
  EXPECT_EQ(warm.restored_epoch, 3);
}

// ---- ModelCheckpoint ----

TEST(ModelCheckpoint, OneBasedEpochStrictImprovementAndMissingMonitorSaves) {
  const auto dir = std::filesystem::temp_directory_path() / "plateau_ckpt_test";
  std::filesystem::remove_all(dir);
  auto cb = std::make_unique<ModelCheckpoint>(ModelCheckpointOptions{
      .filepath = (dir / "w.{epoch:02d}-{val_loss:.4f}.safetensors").string(), .save_best_only = true});
  ModelCheckpoint* ckpt = cb.get();
  std::vector<Logs> logs = series("val_loss", {0.5, 0.5, 0.4, 0.45});
  logs.push_back({{"loss", 1.0}, {"val_loss", 0.3}});
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::move(cb));
  CallbackList callbacks(std::move(list));
  const ReplayResult r = replay(callbacks, logs, 0.1);
  EXPECT_EQ(ckpt->saved_epochs(), (std::vector<int64_t>{0, 2, 4}));  // the tie at epoch 1 does not save
  EXPECT_TRUE(std::filesystem::exists(dir / "w.01-0.5000.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir / "w.03-0.4000.safetensors"));
  EXPECT_FALSE(r.epochs[1].checkpoint);
  std::filesystem::remove_all(dir);
}

TEST(ModelCheckpoint, TemplateWithAMissingKeyFailsBeforeTraining) {
  const std::string e = error_of([] {
    run(series("val_loss", {1}), 0.1,
        std::make_unique<ModelCheckpoint>(ModelCheckpointOptions{.filepath = "w-{val_acc:.2f}.safetensors",
                                                                 .dry_run = true}));
  });
  EXPECT_NE(e.find("names 'val_acc', which the logs do not have"), std::string::npos) << e;
  EXPECT_THROW(ModelCheckpoint(ModelCheckpointOptions{.filepath = "w.h5"}), Error);
}

TEST(ModelCheckpoint, InitialThresholdAndBestCarryOverAndMissingMonitorStillSaves) {
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<ModelCheckpoint>(ModelCheckpointOptions{
      .filepath = "w.safetensors", .save_best_only = true, .initial_value_threshold = 0.45, .dry_run = true}));
  CallbackList callbacks(std::move(list));
  std::vector<Logs> logs{{{"val_loss", 0.5}}, {{"loss", 0.3}}, {{"val_loss", 0.4}}};
  replay(callbacks, logs, 0.1);
  // 0.5 misses the threshold; epoch 1 lacks the monitor and saves anyway (Keras 3); 0.4 improves
  EXPECT_EQ(callbacks.find<ModelCheckpoint>()->saved_epochs(), (std::vector<int64_t>{1, 2}));
}

TEST(ModelCheckpoint, BatchFrequencyCountsAcrossEpochs) {
  ModelCheckpoint ckpt(ModelCheckpointOptions{.filepath = "b{epoch}-{batch}.safetensors", .save_freq = 3,
                                              .dry_run = true});
  TrainingState s;
  s.epoch_keys = {"loss"};
  ckpt.on_train_begin(s);
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    s.epoch = epoch;
    ckpt.on_epoch_begin(s);
    for (int64_t b = 0; b < 4; ++b) {
      s.batch = b;
      s.logs = {{"loss", 1.0}};
      ckpt.on_batch_end(s);
    }
  }
  EXPECT_EQ(ckpt.saved_paths(), (std::vector<std::string>{"b1-3.safetensors", "b2-2.safetensors"}));
}

TEST(ModelCheckpoint, ResumedMidEpochNamesTheEpochItSavesIn) {
  // fit() resumed inside epoch 1 skips that epoch's on_epoch_begin: the file is still named by epoch 1
  // (once a resumed run saved "w-01" again over the first epoch's file).
  ModelCheckpoint ckpt(ModelCheckpointOptions{.filepath = "w-{epoch:02d}.safetensors", .dry_run = true});
  TrainingState s;
  s.epoch_keys = {"loss"};
  ckpt.on_train_begin(s);
  s.epoch = 1;
  s.logs = {{"loss", 1.0}};
  ckpt.on_epoch_end(s);
  EXPECT_EQ(ckpt.saved_paths(), (std::vector<std::string>{"w-02.safetensors"}));
  EXPECT_EQ(ckpt.saved_epochs(), (std::vector<int64_t>{1}));
}

// ---- LearningRateScheduler ----

TEST(LearningRateScheduler, RunsBeforeEpochZeroWithAbsoluteEpochs) {
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<callbacks::LearningRateScheduler>("lr * 0.5"));
  CallbackList callbacks(std::move(list));
  const auto r = replay(callbacks, series("loss", {1, 1, 1}), 0.1, /*initial_epoch=*/5);
  EXPECT_FLOAT_EQ(r.epochs[0].lr, 0.05f);  // already applied to the first epoch
  EXPECT_FLOAT_EQ(r.epochs[2].lr, 0.0125f);
  EXPECT_EQ(r.epochs[0].epoch, 5);
}

TEST(LearningRateScheduler, OverridesAPlateauCutAndOrderChangesTheLoggedLr) {
  // After the plateau cut at the end of epoch 1, the epoch schedule sets its own value again.
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 1}));
  list.push_back(std::make_unique<callbacks::LearningRateScheduler>("epoch < 100 ? 0.1 : lr"));
  CallbackList callbacks(std::move(list));
  const auto r = replay(callbacks, series("val_loss", {1, 1, 1}), 0.1);
  EXPECT_FLOAT_EQ(r.epochs[2].lr, 0.1f);
  // LearningRateScheduler sits after ReduceLROnPlateau, so its on_epoch_end logs the already-cut lr.
  EXPECT_FLOAT_EQ(callbacks.history().history["learning_rate"][1], 0.01f);
}

// ---- Specs, CSVLogger, patience conflict ----

TEST(CallbackSpec, UnknownNamesAndArgumentsListTheValidOnes) {
  EXPECT_NE(error_of([] { make_callback(nlohmann::json{{"name", "EarlyStoping"}}, ""); })
                .find("unknown callback 'EarlyStoping' (valid: ReduceLROnPlateau, EarlyStopping"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_callback(nlohmann::json{{"name", "EarlyStopping"}, {"patient", 3}}, ""); })
                .find("EarlyStopping: unknown argument 'patient'"),
            std::string::npos);
}

TEST(CallbackList, WarnsWhenEarlyStoppingWouldStopBeforeAPlateauCut) {
  auto r = run(series("val_loss", {1, 1, 1, 1}), 0.1,
               std::make_unique<ReduceLROnPlateau>(ReduceLROnPlateauOptions{.patience = 3}),
               std::make_unique<EarlyStopping>(EarlyStoppingOptions{.patience = 2}));
  ASSERT_FALSE(r.messages.empty());
  EXPECT_NE(r.messages[0].find("EarlyStopping (patience 2) will stop before ReduceLROnPlateau (patience 3)"),
            std::string::npos);
}

TEST(CSVLogger, AppendKeepsOneHeader) {
  const auto path = (std::filesystem::temp_directory_path() / "plateau_csvlogger.csv").string();
  std::filesystem::remove(path);
  for (int i = 0; i < 2; ++i)
    run(series("loss", {1, 2}), 0.1,
        std::make_unique<callbacks::CSVLogger>(callbacks::CSVLoggerOptions{.filename = path, .append = true}));
  const std::string text = io::read_file(path);
  EXPECT_EQ(text.find("epoch,learning_rate,loss\n"), 0u) << text;
  EXPECT_EQ(text.find("epoch", 1), std::string::npos) << text;  // one header
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
}

}  // namespace
}  // namespace plateau
