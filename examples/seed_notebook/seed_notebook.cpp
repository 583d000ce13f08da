// The seed notebook's experiment written against the installed plateau C++ API, as a Keras user would:
// build the CNN, compile with Adam, fit with ReduceLROnPlateau + EarlyStopping + ModelCheckpoint and
// a user-defined LearningRateMonitor, then evaluate on the test set.
//   seed_notebook [--limit N] [--epochs N] [--out DIR]
#include <cstdio>
#include <string>

#include <plateau/plateau.h>

using namespace plateau;

// The seed notebook's LearningRateMonitor: records the lr at each epoch begin, reports changes at the end.
class LearningRateMonitor : public Callback {
 public:
  std::string name() const override { return "LearningRateMonitor"; }
  void on_epoch_begin(TrainingState& s) override { lrs_.push_back(s.lr()); }
  void on_train_end(TrainingState&) override {
    for (size_t e = 1; e < lrs_.size(); ++e)
      if (lrs_[e] != lrs_[e - 1]) std::printf("LearningRateMonitor: epoch %zu lr %.6g -> %.6g\n", e + 1, lrs_[e - 1], lrs_[e]);
    std::printf("LearningRateMonitor: %zu epochs, final lr %.6g\n", lrs_.size(), lrs_.empty() ? 0.0 : lrs_.back());
  }

 private:
  std::vector<double> lrs_;
};

int main(int argc, char** argv) {
  int64_t limit = 0, epochs = 12;
  std::string out = "seed_notebook_run";
  try {
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--limit") limit = parse_int64(argv[i + 1], flag);
      if (flag == "--epochs") epochs = parse_int64(argv[i + 1], flag);
      if (flag == "--out") out = argv[i + 1];
    }
    ImageDataset train = load_mnist_format(default_data_dir(), "train");
    const ImageDataset test = load_mnist_format(default_data_dir(), "test");
    if (limit > 0) train = train.slice(0, limit);

    auto net = std::make_unique<Sequential>();
    net->add(Conv2D({.filters = 32, .kernel_size = {3, 3}, .activation = "relu"}));
    net->add(BatchNormalization());
    net->add(MaxPooling2D());
    net->add(Conv2D({.filters = 64, .kernel_size = {3, 3}, .activation = "relu"}));
    net->add(BatchNormalization());
    net->add(MaxPooling2D());
    net->add(Conv2D({.filters = 128, .kernel_size = {3, 3}, .activation = "relu"}));
    net->add(BatchNormalization());
    net->add(Flatten());
    net->add(Dense({.units = 128, .activation = "relu"}));
    net->add(Dropout({.rate = 0.5}));
    net->add(Dense({.units = 10, .activation = "softmax"}));
    net->build({1, 28, 28}, /*seed=*/42);

    Model model(std::move(net));
    model.compile(std::make_unique<KerasAdam>(model.net().parameters(), KerasAdamOptions{.learning_rate = 1e-3}),
                  Loss("sparse_categorical_crossentropy"));

    CallbackList callbacks;
    callbacks.add(std::make_unique<callbacks::ReduceLROnPlateau>(
        callbacks::ReduceLROnPlateauOptions{.monitor = "val_loss", .factor = 0.5, .patience = 3, .min_lr = 1e-6}));
    callbacks.add(std::make_unique<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
        .monitor = "val_loss", .patience = 5, .restore_best_weights = true}));
    callbacks.add(std::make_unique<callbacks::ModelCheckpoint>(callbacks::ModelCheckpointOptions{
        .filepath = out + "/best.safetensors", .monitor = "val_accuracy", .save_best_only = true}));
    callbacks.add(std::make_unique<LearningRateMonitor>());
    callbacks.add_tail(std::make_unique<callbacks::ProgressBar>(2, false));

    model.fit(train, {.batch_size = 128, .epochs = epochs, .validation_split = 0.2, .seed = 42,
                      .print = [](const std::string& line) { std::printf("%s\n", line.c_str()); }},
              callbacks);
    const Logs result = model.evaluate(test, 256);
    std::printf("test loss %.4f - test accuracy %.4f\n", result.at("loss"), result.at("accuracy"));
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "seed_notebook: %s\n", e.what());
    return 2;
  }
}
