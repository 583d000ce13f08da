// Data-parallel fit() is one-process fit(): the processes run here as threads (ThreadProcessGroup), each
// with its own model, and every one of them must log, decide and end exactly as one process alone —
// with a validation set that does not split evenly over them (60 images in batches of 32: one
// process gets 32, another 28, others none), where averaging per-process means would disagree.
#include <gtest/gtest.h>

#include <thread>

#include "plateau/callbacks/reduce_lr_on_plateau.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/threads.h"
#include "plateau/datasets/image_dataset.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/model.h"
#include "tests/support/error_of.h"
#include "tests/support/thread_process_group.h"

namespace plateau {
namespace {

using testing::error_of;

struct RankRun {
  std::vector<Logs> logs;  // every epoch's, as callbacks saw them
  std::vector<LrChange> lr_changes;
  StateDict weights;
};

const ImageDataset& images() {
  static const ImageDataset data = load_mnist_format(default_data_dir(), "train").slice(0, 240);
  return data;
}

// 180 training images in batches of 32 (the last of 20), 60 for validation; ReduceLROnPlateau with
// patience 0 acts on every val_loss that does not improve, so any difference in val_loss shows in the lr.
RankRun train(ProcessGroup* group, ops::Reduction reduction = ops::Reduction::Exact,
              const std::string& dtype_policy = "float32") {
  Model model(build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 5, dtype_policy));
  model.compile(make_optimizer(nlohmann::json{{"name", "keras.Adam"}, {"learning_rate", 3e-3}}, model.net().parameters()),
                Loss("sparse_categorical_crossentropy"));
  model.set_data_parallel({.group = group, .shards = 4, .reduction = reduction});
  CallbackList callbacks;
  callbacks.add(std::make_unique<callbacks::ReduceLROnPlateau>(
      callbacks::ReduceLROnPlateauOptions{.monitor = "val_loss", .factor = 0.5, .patience = 0, .min_delta = 0.0}));
  const callbacks::History h =
      model.fit(images(), {.batch_size = 32, .epochs = 4, .validation_split = 0.25, .seed = 11}, callbacks);
  return {h.logs, model.state().lr_changes, model.net().state_dict()};
}

// Runs `train` as `n` processes of one group (threads, one OpenMP thread each).
std::vector<RankRun> train_as_processes(int n, ops::Reduction reduction = ops::Reduction::Exact,
                                        const std::string& dtype_policy = "float32") {
  testing::ThreadExchange exchange(n);
  std::vector<RankRun> runs(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int r = 0; r < n; ++r)
    threads.emplace_back([&, r] {
      testing::ThreadProcessGroup group(exchange, r);
      runs[static_cast<size_t>(r)] = train(&group, reduction, dtype_policy);
    });
  for (std::thread& t : threads) t.join();
  return runs;
}

void expect_same_run(const RankRun& actual, const RankRun& expected, const std::string& who) {
  ASSERT_EQ(actual.logs.size(), expected.logs.size()) << who;
  for (size_t e = 0; e < expected.logs.size(); ++e)
    for (const auto& [key, value] : expected.logs[e]) {
      ASSERT_TRUE(actual.logs[e].count(key)) << who << " epoch " << e << " " << key;
      EXPECT_EQ(actual.logs[e].at(key), value) << who << " epoch " << e << " " << key;  // bit for bit
    }
  ASSERT_EQ(actual.lr_changes.size(), expected.lr_changes.size()) << who;
  for (size_t i = 0; i < expected.lr_changes.size(); ++i) {
    EXPECT_EQ(actual.lr_changes[i].epoch, expected.lr_changes[i].epoch) << who;
    EXPECT_EQ(actual.lr_changes[i].new_lr, expected.lr_changes[i].new_lr) << who;
  }
  ASSERT_EQ(actual.weights.size(), expected.weights.size()) << who;
  for (size_t i = 0; i < expected.weights.size(); ++i)
    EXPECT_TRUE(identical(actual.weights[i].second, expected.weights[i].second)) << who << " " << expected.weights[i].first;
}

TEST(DataParallel, EveryProcessLogsDecidesAndEndsAsOneProcessAlone) {
  const RankRun alone = train(nullptr);
  ASSERT_FALSE(alone.lr_changes.empty()) << "the run should cut the lr at least once, or the test shows nothing";
  for (const int n : {2, 3, 4}) {
    const std::vector<RankRun> ranks = train_as_processes(n);
    for (int r = 0; r < n; ++r) expect_same_run(ranks[static_cast<size_t>(r)], alone, cat(n, " processes, rank ", r));
  }
}

// mixed_bfloat16 keeps both rules: the same bits on 1 and 2 threads and on 1 and 2 processes — and it is
// not float32's run.
TEST(DataParallel, MixedBFloat16IsExactOnAnyThreadAndProcessCount) {
  const int before = num_threads();
  set_num_threads(1);
  const RankRun one_thread = train(nullptr, ops::Reduction::Exact, "mixed_bfloat16");
  set_num_threads(2);
  const RankRun two_threads = train(nullptr, ops::Reduction::Exact, "mixed_bfloat16");
  set_num_threads(before);
  expect_same_run(two_threads, one_thread, "mixed_bfloat16, 2 threads against 1");
  const std::vector<RankRun> ranks = train_as_processes(2, ops::Reduction::Exact, "mixed_bfloat16");
  for (int r = 0; r < 2; ++r) expect_same_run(ranks[static_cast<size_t>(r)], one_thread, cat("mixed_bfloat16, rank ", r));
  EXPECT_NE(one_thread.logs.front().at("loss"), train(nullptr).logs.front().at("loss"));
}

TEST(DataParallel, FastAllreduceIsRepeatableAndCloseToExact) {
  const RankRun exact = train(nullptr);
  const std::vector<RankRun> first = train_as_processes(2, ops::Reduction::Fast);
  const std::vector<RankRun> again = train_as_processes(2, ops::Reduction::Fast);
  expect_same_run(first[1], first[0], "fast, rank 1 against rank 0");
  expect_same_run(again[0], first[0], "fast, a second run");
  ASSERT_EQ(first[0].logs.size(), exact.logs.size());
  // Rounded differently, the runs drift apart as training goes on; the first epoch's loss is still close.
  EXPECT_NEAR(first[0].logs.front().at("loss"), exact.logs.front().at("loss"), 1e-3);
  EXPECT_NE(first[0].logs.front().at("loss"), exact.logs.front().at("loss"));  // not the exact rule after all
}

TEST(DataParallel, MoreProcessesThanShardsIsRefused) {
  Model model(build_model(named_model_spec("seed-cnn"), {28, 28, 1}, 5));
  testing::ThreadExchange exchange(5);
  testing::ThreadProcessGroup fifth(exchange, 4);
  EXPECT_EQ(error_of([&] { model.set_data_parallel({.group = &fifth, .shards = 4}); }),
            "data parallel: 5 processes need at least as many batch shards, got 4");
}

TEST(BatchSplit, ShardsCoverTheBatchInRankOrder) {
  // 112 samples in 4 shards of 28; 3 processes hold 1, 1 and 2 shards
  const ops::BatchSplit a = ops::BatchSplit::of(112, 4, 0, 3), b = ops::BatchSplit::of(112, 4, 1, 3),
                        c = ops::BatchSplit::of(112, 4, 2, 3);
  EXPECT_EQ(a.first, 0);
  EXPECT_EQ(a.shard_ends, std::vector<int64_t>({28}));
  EXPECT_EQ(b.first, 28);
  EXPECT_EQ(b.shard_ends, std::vector<int64_t>({28}));
  EXPECT_EQ(c.first, 56);
  EXPECT_EQ(c.shard_ends, std::vector<int64_t>({28, 56}));
  // a batch smaller than the shard count: one sample a shard
  EXPECT_EQ(ops::BatchSplit::of(3, 4, 0, 1).shard_ends, std::vector<int64_t>({1, 2, 3}));
  EXPECT_EQ(error_of([] { ops::BatchSplit::of(3, 4, 0, 4); }),
            "a batch of 3 samples in 4 shards cannot be spread over 4 processes (each needs a shard of at least one "
            "sample)");
}

TEST(BatchSplit, SlicesRestartAtEveryShard) {
  const ops::BatchSplit split = ops::BatchSplit::of(112, 4, 0, 1);
  const ops::ScopedBatchSplit in_step(&split);
  const std::vector<ops::SampleSlice> slices = ops::sample_slices(112, 16);
  std::vector<int64_t> begins;
  for (const auto& s : slices) begins.push_back(s.begin);
  EXPECT_EQ(begins, std::vector<int64_t>({0, 16, 28, 44, 56, 72, 84, 100}));
  EXPECT_EQ(error_of([] { ops::sample_slices(100, 16); }),
            "a kernel got 100 samples in a training step whose split gives this process 112 of 112");
}

}  // namespace
}  // namespace plateau
