#pragma once
// Keras 3 LearningRateSchedules (keras/src/optimizers/schedules/learning_rate_schedule.py), called
// with the optimizer's iteration count, computed in float32 as Keras does. Names keep Keras'
// arguments; an absent initial_learning_rate takes the optimizer's lr. Step per batch.

#include <optional>
#include <vector>

#include "plateau/schedulers/lr_schedule.h"

namespace plateau {

// Usage (through a subclass; t is the optimizer's iteration count):
//   const KerasExponentialDecay decay({.initial_learning_rate = 0.1, .decay_steps = 1000, .decay_rate = 0.96});
//   const double lr = decay.lr_at(/*t=*/2000, /*initial_lr=*/0.1);  // 0.1 · 0.96²
class KerasSchedule : public LRSchedule {
 public:
  double lr_at(int64_t t, double base) const final;

 protected:
  explicit KerasSchedule(std::optional<double> initial) : LRSchedule(ScheduleUnit::Batch), initial_(initial) {}
  virtual float at(float step, float lr0) const = 0;  // float32, as Keras

 private:
  std::optional<double> initial_;
};

// The arguments of keras.optimizers.schedules.ExponentialDecay and InverseTimeDecay.
struct KerasDecayOptions {
  std::optional<double> initial_learning_rate = std::nullopt;  // absent: the optimizer's lr
  double decay_steps = 0, decay_rate = 0;                       // required
  bool staircase = false;
};

// lr0 · rate^(step/decay_steps); staircase floors the exponent
// Usage:
//   const KerasExponentialDecay decay({.decay_steps = 1000, .decay_rate = 0.96, .staircase = true});
class KerasExponentialDecay : public KerasSchedule {
 public:
  explicit KerasExponentialDecay(KerasDecayOptions options);
  std::string name() const override { return "keras.ExponentialDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, decay_rate_;
  bool staircase_;
};

struct KerasPiecewiseConstantDecayOptions {
  std::vector<double> boundaries, values;  // required; one more value than boundaries
};

// values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], then values[-1]
// Usage:
//   const KerasPiecewiseConstantDecay pieces({.boundaries = {1000, 2000}, .values = {0.1, 0.01, 0.001}});
class KerasPiecewiseConstantDecay : public KerasSchedule {
 public:
  explicit KerasPiecewiseConstantDecay(KerasPiecewiseConstantDecayOptions options);
  std::string name() const override { return "keras.PiecewiseConstantDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  std::vector<double> boundaries_, values_;
};

struct KerasPolynomialDecayOptions {
  std::optional<double> initial_learning_rate = std::nullopt;  // absent: the optimizer's lr
  double decay_steps = 0;                                       // required
  double end_learning_rate = 1e-4, power = 1.0;
  bool cycle = false;
};

// (lr0 − end)·(1 − min(step, decay_steps)/decay_steps)^power + end; cycle stretches decay_steps
// Usage:
//   const KerasPolynomialDecay poly({.initial_learning_rate = 0.1, .decay_steps = 5000, .power = 2.0});
class KerasPolynomialDecay : public KerasSchedule {
 public:
  explicit KerasPolynomialDecay(KerasPolynomialDecayOptions options);
  std::string name() const override { return "keras.PolynomialDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, end_, power_;
  bool cycle_;
};

// lr0 / (1 + rate·step/decay_steps); staircase floors step/decay_steps
// Usage:
//   const KerasInverseTimeDecay inverse({.decay_steps = 100, .decay_rate = 0.5});
class KerasInverseTimeDecay : public KerasSchedule {
 public:
  explicit KerasInverseTimeDecay(KerasDecayOptions options);
  std::string name() const override { return "keras.InverseTimeDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, decay_rate_;
  bool staircase_;
};

struct KerasCosineDecayOptions {
  std::optional<double> initial_learning_rate = std::nullopt;  // absent: the optimizer's lr
  double decay_steps = 0;                                       // required
  double alpha = 0.0;
  std::optional<double> warmup_target = std::nullopt;
  double warmup_steps = 0.0;
};

// Cosine from lr0 (or, with warmup_target, linear warmup lr0 -> target then cosine from target) to alpha·peak
// Usage:
//   const KerasCosineDecay cosine({.initial_learning_rate = 0.0, .decay_steps = 4000, .warmup_target = 0.1, .warmup_steps = 500});
class KerasCosineDecay : public KerasSchedule {
 public:
  explicit KerasCosineDecay(KerasCosineDecayOptions options);
  std::string name() const override { return "keras.CosineDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, alpha_;
  std::optional<float> warmup_target_;
  float warmup_steps_;
};

struct KerasCosineDecayRestartsOptions {
  std::optional<double> initial_learning_rate = std::nullopt;  // absent: the optimizer's lr
  double first_decay_steps = 0;                                 // required
  double t_mul = 2.0, m_mul = 1.0, alpha = 0.0;
};

// SGDR in Keras' form: periods first_decay_steps·t_mul^i, peaks lr0·m_mul^i, floor alpha·lr0 (not scaled by m_mul)
// Usage:
//   const KerasCosineDecayRestarts restarts({.first_decay_steps = 1000, .t_mul = 2.0, .m_mul = 0.9});
class KerasCosineDecayRestarts : public KerasSchedule {
 public:
  explicit KerasCosineDecayRestarts(KerasCosineDecayRestartsOptions options);
  std::string name() const override { return "keras.CosineDecayRestarts"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float first_decay_steps_, t_mul_, m_mul_, alpha_;
};

}  // namespace plateau
