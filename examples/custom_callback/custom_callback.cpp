// What a user writes around plateau's fit(): a schedule of their own (an LRSchedule subclass: linear
// warmup, then exponential decay), a callback of their own (the mean gradient norm of each epoch,
// added to the logs, so that History keeps it), and a LambdaCallback that prints a line per epoch.
//   custom_callback [--limit N] [--epochs N]
#include <cmath>
#include <cstdio>
#include <string>

#include <plateau/plateau.h>

using namespace plateau;

// lr = base · (t + 1) / warmup for the first `warmup` epochs, then base · gamma^(t − warmup + 1).
class WarmupThenDecay : public LRSchedule {
 public:
  WarmupThenDecay(int64_t warmup, double gamma) : LRSchedule(ScheduleUnit::Epoch), warmup_(warmup), gamma_(gamma) {}
  std::string name() const override { return "WarmupThenDecay"; }
  double lr_at(int64_t t, double base) const override {
    if (t < warmup_) return base * static_cast<double>(t + 1) / static_cast<double>(warmup_);
    return base * std::pow(gamma_, static_cast<double>(t - warmup_ + 1));
  }

 private:
  int64_t warmup_;
  double gamma_;
};

// The L2 norm of all gradients after each batch, averaged over the epoch, as logs["grad_norm"].
class GradientNormLogger : public Callback {
 public:
  std::string name() const override { return "GradientNormLogger"; }
  void on_epoch_begin(TrainingState&) override { sum_ = 0, batches_ = 0; }
  void on_batch_end(TrainingState& s) override {
    double squares = 0;
    for (const Variable& p : s.model->parameters())
      for (int64_t i = 0; p.has_grad() && i < p.grad().numel(); ++i) squares += double(p.grad()[i]) * p.grad()[i];
    sum_ += std::sqrt(squares);
    ++batches_;
  }
  void on_epoch_end(TrainingState& s) override { s.logs["grad_norm"] = batches_ > 0 ? sum_ / batches_ : 0.0; }

 private:
  double sum_ = 0;
  int64_t batches_ = 0;
};

int main(int argc, char** argv) {
  try {
    int64_t limit = 600, epochs = 4;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--limit") limit = parse_int64(argv[i + 1], flag);
      if (flag == "--epochs") epochs = parse_int64(argv[i + 1], flag);
    }
    const ImageDataset train = load_data({.split = "train", .limit = limit});
    auto model = build_compiled_model({.spec = named_model_spec("mlp"),
                                       .optimizer = {{"name", "SGD"}, {"lr", 0.05}, {"momentum", 0.9}}});
    CallbackList callbacks;
    callbacks.add(std::make_unique<callbacks::ScheduleCallback>(
        [] { return std::make_unique<WarmupThenDecay>(/*warmup=*/2, /*gamma=*/0.5); }));
    callbacks.add(std::make_unique<GradientNormLogger>());
    callbacks.add(std::make_unique<callbacks::LambdaCallback>(callbacks::LambdaCallbackOptions{
        .on_epoch_end = [](TrainingState& s) {
          std::printf("epoch %lld: lr %.4g, loss %.4f, grad_norm %.4f\n", static_cast<long long>(s.epoch + 1), s.lr(),
                      s.logs.at("loss"), s.logs.at("grad_norm"));
        }}));
    model->fit(train, {.batch_size = 64, .epochs = epochs, .validation_split = 0.2, .seed = 1}, callbacks);
    const auto& history = callbacks.history().history;
    std::printf("History kept grad_norm for %zu epochs; the schedule set lr %g in the last one\n",
                history.at("grad_norm").size(), history.at("learning_rate").back());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "custom_callback: %s\n", e.what());
    return 2;
  }
}
