#pragma once
// LRSchedule: a learning-rate schedule as a pure function of time, so preview and resume need only t.
// lr_at(t, initial_lr) is the rate in effect during step t, i.e. after t calls of PyTorch's
// scheduler.step() (t = 0 before any). A schedule never reads the current lr; ReduceLROnPlateau,
// which must, is a separate class. Cycling schedules may also give a momentum (or Adam beta1).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace plateau {

enum class ScheduleUnit { Epoch, Batch };  // what one step() is: an epoch, or one optimizer step
std::string unit_name(ScheduleUnit unit);

// PyTorch: torch.optim.lr_scheduler.LRScheduler's closed form; Keras: keras.optimizers.schedules.LearningRateSchedule.
// Usage:
//   const std::unique_ptr<LRSchedule> step = make_schedule({{"name", "StepLR"}, {"step_size", 7}});
//   const double lr = step->lr_at(/*t=*/14, /*initial_lr=*/0.1);  // 0.001
class LRSchedule {
 public:
  virtual ~LRSchedule() = default;
  virtual std::string name() const = 0;
  virtual double lr_at(int64_t t, double initial_lr) const = 0;
  virtual std::optional<double> momentum_at(int64_t /*t*/) const { return std::nullopt; }
  virtual bool cycles_momentum() const { return false; }
  // Throws when t is outside the schedule (OneCycleLR past total_steps).
  virtual void check_step(int64_t /*t*/) const {}
  // Some schedules replace the optimizer's lr as the base (CyclicLR's base_lr, OneCycleLR's
  // max_lr / div_factor); PyTorch stores it as the group's initial_lr.
  virtual std::optional<double> initial_lr_override() const { return std::nullopt; }
  // The steps a schedule is made for, when it is: OneCycleLR's total_steps (it cannot go past them),
  // CyclicLR's one cycle (it repeats). fit() warns when a run does not fit them.
  virtual std::optional<int64_t> planned_steps() const { return std::nullopt; }
  virtual std::optional<int64_t> cycle_steps() const { return std::nullopt; }

  ScheduleUnit unit() const { return unit_; }
  void set_unit(ScheduleUnit unit) { unit_ = unit; }
  const nlohmann::json& spec() const { return spec_; }
  void set_spec(nlohmann::json spec) { spec_ = std::move(spec); }

 protected:
  explicit LRSchedule(ScheduleUnit unit) : unit_(unit) {}

 private:
  ScheduleUnit unit_;
  nlohmann::json spec_;
};

}  // namespace plateau
