#pragma once
// Keras 3 LearningRateSchedules (keras/src/optimizers/schedules/learning_rate_schedule.py), called
// with the optimizer's iteration count, computed in float32 as Keras does. Names keep Keras'
// arguments; an absent initial_learning_rate takes the optimizer's lr. Step per batch.

#include <optional>
#include <vector>

#include "schedulers/lr_schedule.h"

namespace plateau {

class KerasSchedule : public LRSchedule {
 public:
  double lr_at(int64_t t, double base) const final;

 protected:
  explicit KerasSchedule(std::optional<double> initial) : LRSchedule(ScheduleUnit::Batch), initial_(initial) {}
  virtual float at(float step, float lr0) const = 0;  // float32, as Keras

 private:
  std::optional<double> initial_;
};

// lr0 · rate^(step/decay_steps); staircase floors the exponent
class KerasExponentialDecay : public KerasSchedule {
 public:
  KerasExponentialDecay(std::optional<double> lr0, double decay_steps, double decay_rate, bool staircase);
  std::string name() const override { return "keras.ExponentialDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, decay_rate_;
  bool staircase_;
};

// values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] < step ≤ boundaries[i], then values[-1]
class KerasPiecewiseConstantDecay : public KerasSchedule {
 public:
  KerasPiecewiseConstantDecay(std::vector<double> boundaries, std::vector<double> values);
  std::string name() const override { return "keras.PiecewiseConstantDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  std::vector<double> boundaries_, values_;
};

// (lr0 − end)·(1 − min(step, decay_steps)/decay_steps)^power + end; cycle stretches decay_steps
class KerasPolynomialDecay : public KerasSchedule {
 public:
  KerasPolynomialDecay(std::optional<double> lr0, double decay_steps, double end_learning_rate, double power,
                       bool cycle);
  std::string name() const override { return "keras.PolynomialDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, end_, power_;
  bool cycle_;
};

// lr0 / (1 + rate·step/decay_steps); staircase floors step/decay_steps
class KerasInverseTimeDecay : public KerasSchedule {
 public:
  KerasInverseTimeDecay(std::optional<double> lr0, double decay_steps, double decay_rate, bool staircase);
  std::string name() const override { return "keras.InverseTimeDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, decay_rate_;
  bool staircase_;
};

// Cosine from lr0 (or, with warmup_target, linear warmup lr0 -> target then cosine from target) to alpha·peak
class KerasCosineDecay : public KerasSchedule {
 public:
  KerasCosineDecay(std::optional<double> lr0, double decay_steps, double alpha, std::optional<double> warmup_target,
                   double warmup_steps);
  std::string name() const override { return "keras.CosineDecay"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float decay_steps_, alpha_;
  std::optional<float> warmup_target_;
  float warmup_steps_;
};

// SGDR in Keras' form: periods first_decay_steps·t_mul^i, peaks lr0·m_mul^i, floor alpha·lr0 (not scaled by m_mul)
class KerasCosineDecayRestarts : public KerasSchedule {
 public:
  KerasCosineDecayRestarts(std::optional<double> lr0, double first_decay_steps, double t_mul, double m_mul,
                           double alpha);
  std::string name() const override { return "keras.CosineDecayRestarts"; }

 protected:
  float at(float step, float lr0) const override;

 private:
  float first_decay_steps_, t_mul_, m_mul_, alpha_;
};

}  // namespace plateau
