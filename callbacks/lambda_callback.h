#pragma once
// keras.callbacks.LambdaCallback (keras/src/callbacks/lambda_callback.py): a callback made of functions,
// for what a user wants to do at a hook without writing a class. Hooks left empty do nothing.

#include <functional>

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

struct LambdaCallbackOptions {
  using Hook = std::function<void(TrainingState&)>;
  Hook on_train_begin, on_train_end, on_epoch_begin, on_epoch_end, on_batch_begin, on_batch_end;
  std::string name = "LambdaCallback";
};

// Usage:
//   callbacks.add(std::make_unique<callbacks::LambdaCallback>(callbacks::LambdaCallbackOptions{
//       .on_epoch_end = [](TrainingState& s) { std::printf("lr %g\n", s.lr()); }}));
class LambdaCallback : public Callback {
 public:
  explicit LambdaCallback(LambdaCallbackOptions options) : o_(std::move(options)) {}
  std::string name() const override { return o_.name; }
  void on_train_begin(TrainingState& s) override { call(o_.on_train_begin, s); }
  void on_train_end(TrainingState& s) override { call(o_.on_train_end, s); }
  void on_epoch_begin(TrainingState& s) override { call(o_.on_epoch_begin, s); }
  void on_epoch_end(TrainingState& s) override { call(o_.on_epoch_end, s); }
  void on_batch_begin(TrainingState& s) override { call(o_.on_batch_begin, s); }
  void on_batch_end(TrainingState& s) override { call(o_.on_batch_end, s); }

 private:
  static void call(const LambdaCallbackOptions::Hook& hook, TrainingState& s) {
    if (hook) hook(s);
  }
  LambdaCallbackOptions o_;
};

}  // namespace plateau::callbacks
