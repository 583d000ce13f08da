#pragma once
// keras.callbacks.LearningRateScheduler (keras/src/callbacks/learning_rate_scheduler.py; keras_semantics.md §6)
// with the schedule written as an expression over `epoch` and `lr`, e.g. "epoch < 10 ? lr : lr * 0.9":
//   on_epoch_begin(epoch): lr = f(epoch, f32(current lr)), stored as float32 — before epoch 0 trains,
//   with the absolute epoch index, overriding any cut ReduceLROnPlateau made;
//   on_epoch_end: logs["learning_rate"] = lr.
// A scheduler spec instead of an expression is ScheduleCallback (callbacks/schedule_callback.h).

#include <memory>

#include "plateau/callbacks/callback.h"
#include "plateau/schedulers/expression.h"

namespace plateau::callbacks {

// Usage:
//   callbacks.add(std::make_unique<callbacks::LearningRateScheduler>("epoch < 10 ? lr : lr * 0.9"));
class LearningRateScheduler : public Callback {
 public:
  explicit LearningRateScheduler(const std::string& schedule);
  std::string name() const override { return "LearningRateScheduler"; }
  void on_epoch_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;

 private:
  Expression schedule_;
};

}  // namespace plateau::callbacks
