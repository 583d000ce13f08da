// Training checkpoints: a round trip restores everything; a flipped byte anywhere, a truncation or
// another model's checkpoint is a clear error and nothing is loaded. (Also run under ASan/UBSan.)
#include <gtest/gtest.h>

#include <filesystem>

#include "plateau/callbacks/early_stopping.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/layers/model_spec.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/training/checkpoint.h"
#include "plateau/training/model.h"
#include "tests/support/scratch_dir.h"

namespace plateau {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Model> make_model(const std::string& name, uint64_t seed) {
  auto model = std::make_unique<Model>(build_model(named_model_spec(name), {28, 28, 1}, seed));
  model->compile(make_optimizer(nlohmann::json{{"name", "Adam"}}, model->net().parameters()),
                 Loss("sparse_categorical_crossentropy"));
  return model;
}

// A checkpoint with optimizer slots and EarlyStopping best weights in it.
std::string write_sample(Model& model, CallbackList& callbacks, const std::string& name) {
  Rng rng(1);
  for (auto& p : model.net().parameters()) p.accumulate_grad(normal_tensor(p.shape(), 0, 1, rng));
  model.optimizer().step();
  auto* stopper = callbacks.find<callbacks::EarlyStopping>();
  stopper->load_state_tensors(model.net().state_dict());
  static const fs::path dir = testing::scratch_dir("plateau_checkpoint_test");
  const std::string path = (dir / name).string();
  TrainingCheckpoint c = model.capture(callbacks, FitCursor{3, 7, 100, 1.5, 2.0, 0.5, 2.0, false});
  c.config = {{"model", "mlp"}};
  write_checkpoint(path, c);
  return path;
}

CallbackList with_early_stopping() {
  std::vector<std::unique_ptr<Callback>> list;
  list.push_back(std::make_unique<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.patience = 2, .restore_best_weights = true}));
  return CallbackList(std::move(list));
}

TEST(Checkpoint, RoundTripRestoresWeightsOptimizerCursorAndCallbackTensors) {
  auto model = make_model("mlp", 1);
  CallbackList callbacks = with_early_stopping();
  const std::string path = write_sample(*model, callbacks, "plateau_ckpt_roundtrip.safetensors");
  const TrainingCheckpoint c = read_checkpoint(path);
  EXPECT_EQ(c.cursor.epoch, 3);
  EXPECT_EQ(c.cursor.batch, 7);
  EXPECT_DOUBLE_EQ(c.cursor.loss_sum, 1.5);
  EXPECT_EQ(c.config["model"], "mlp");

  auto fresh = make_model("mlp", 2);
  CallbackList fresh_callbacks = with_early_stopping();
  fresh->restore_model_and_optimizer(c);
  Model::restore_callbacks(c, fresh_callbacks);
  const StateDict a = model->net().state_dict(), b = fresh->net().state_dict();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(identical(a[i].second, b[i].second)) << a[i].first;
  EXPECT_EQ(fresh->optimizer().step_count(), 1);
  EXPECT_EQ(fresh_callbacks.find<callbacks::EarlyStopping>()->state_tensors().size(), a.size());
  const OptimizerState sa = model->optimizer().state_dict(), sb = fresh->optimizer().state_dict();
  ASSERT_EQ(sa.tensors.size(), sb.tensors.size());
  for (size_t i = 0; i < sa.tensors.size(); ++i) EXPECT_TRUE(identical(sa.tensors[i].second, sb.tensors[i].second));
}

TEST(Checkpoint, AnyFlippedByteIsDetected) {
  auto model = make_model("mlp", 1);
  CallbackList callbacks = with_early_stopping();
  const std::string path = write_sample(*model, callbacks, "plateau_ckpt_flip.safetensors");
  const std::string good = io::read_file(path);
  const std::string flipped_path = path + ".flipped";
  int detected = 0, tried = 0;
  for (size_t at = 0; at < good.size(); at += std::max<size_t>(1, good.size() / 97), ++tried) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    io::write_file_atomically(flipped_path, bad);
    try {
      read_checkpoint(flipped_path);
      ADD_FAILURE() << "flipped byte " << at << " of " << good.size() << " was not detected";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(flipped_path), std::string::npos) << e.what();
      ++detected;
    }
  }
  EXPECT_EQ(detected, tried);
  EXPECT_GE(tried, 90);
}

TEST(Checkpoint, TruncationsAreDetected) {
  auto model = make_model("mlp", 1);
  CallbackList callbacks = with_early_stopping();
  const std::string path = write_sample(*model, callbacks, "plateau_ckpt_trunc.safetensors");
  const std::string good = io::read_file(path);
  for (size_t len : {size_t{0}, size_t{7}, size_t{8}, size_t{64}, good.size() / 3, good.size() / 2, good.size() - 1}) {
    io::write_file_atomically(path + ".cut", good.substr(0, len));
    EXPECT_THROW(read_checkpoint(path + ".cut"), Error) << "length " << len;
  }
}

TEST(Checkpoint, AnotherModelsCheckpointIsRefusedAndNothingIsLoaded) {
  auto mlp = make_model("mlp", 1);
  CallbackList callbacks = with_early_stopping();
  const std::string path = write_sample(*mlp, callbacks, "plateau_ckpt_foreign.safetensors");
  const TrainingCheckpoint c = read_checkpoint(path);
  auto cnn = make_model("seed-cnn", 3);
  const StateDict before = cnn->net().state_dict();
  try {
    cnn->restore_model_and_optimizer(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checkpoint '" + path + "' does not match the model"), std::string::npos)
        << e.what();
  }
  const StateDict after = cnn->net().state_dict();
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(identical(before[i].second, after[i].second));
  EXPECT_EQ(cnn->optimizer().step_count(), 0);
}

}  // namespace
}  // namespace plateau
