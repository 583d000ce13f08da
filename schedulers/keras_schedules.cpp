#include "plateau/schedulers/keras_schedules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "plateau/core/error.h"

namespace plateau {

constexpr float kPi = std::numbers::pi_v<float>;

double KerasSchedule::lr_at(int64_t t, double base) const {
  return at(static_cast<float>(t), static_cast<float>(initial_.value_or(base)));
}

KerasExponentialDecay::KerasExponentialDecay(KerasDecayOptions o)
    : KerasSchedule(o.initial_learning_rate), decay_steps_(static_cast<float>(o.decay_steps)),
      decay_rate_(static_cast<float>(o.decay_rate)), staircase_(o.staircase) {
  PLATEAU_CHECK(o.decay_steps > 0, "keras.ExponentialDecay: decay_steps must be positive, got ", o.decay_steps);
}
float KerasExponentialDecay::at(float step, float lr0) const {
  float p = step / decay_steps_;
  if (staircase_) p = std::floor(p);
  return lr0 * std::pow(decay_rate_, p);
}

KerasPiecewiseConstantDecay::KerasPiecewiseConstantDecay(KerasPiecewiseConstantDecayOptions o)
    : KerasSchedule(std::nullopt), boundaries_(std::move(o.boundaries)), values_(std::move(o.values)) {
  PLATEAU_CHECK(values_.size() == boundaries_.size() + 1, "keras.PiecewiseConstantDecay: values must have one more ",
                "element than boundaries, got ", values_.size(), " values and ", boundaries_.size(), " boundaries");
  PLATEAU_CHECK(std::is_sorted(boundaries_.begin(), boundaries_.end()),
                "keras.PiecewiseConstantDecay: boundaries must be increasing");
}
float KerasPiecewiseConstantDecay::at(float step, float) const {
  for (size_t i = 0; i < boundaries_.size(); ++i)
    if (step <= static_cast<float>(boundaries_[i])) return static_cast<float>(values_[i]);
  return static_cast<float>(values_.back());
}

KerasPolynomialDecay::KerasPolynomialDecay(KerasPolynomialDecayOptions o)
    : KerasSchedule(o.initial_learning_rate), decay_steps_(static_cast<float>(o.decay_steps)),
      end_(static_cast<float>(o.end_learning_rate)), power_(static_cast<float>(o.power)), cycle_(o.cycle) {
  PLATEAU_CHECK(o.decay_steps > 0, "keras.PolynomialDecay: decay_steps must be positive, got ", o.decay_steps);
}
float KerasPolynomialDecay::at(float step, float lr0) const {
  float decay_steps = decay_steps_;
  if (cycle_) {
    const float multiplier = step == 0.0f ? 1.0f : std::ceil(step / decay_steps_);
    decay_steps = decay_steps_ * multiplier;
  } else {
    step = std::min(step, decay_steps_);
  }
  return (lr0 - end_) * std::pow(1.0f - step / decay_steps, power_) + end_;
}

KerasInverseTimeDecay::KerasInverseTimeDecay(KerasDecayOptions o)
    : KerasSchedule(o.initial_learning_rate), decay_steps_(static_cast<float>(o.decay_steps)),
      decay_rate_(static_cast<float>(o.decay_rate)), staircase_(o.staircase) {
  PLATEAU_CHECK(o.decay_steps > 0, "keras.InverseTimeDecay: decay_steps must be positive, got ", o.decay_steps);
}
float KerasInverseTimeDecay::at(float step, float lr0) const {
  float p = step / decay_steps_;
  if (staircase_) p = std::floor(p);
  return lr0 / (1.0f + decay_rate_ * p);
}

KerasCosineDecay::KerasCosineDecay(KerasCosineDecayOptions o)
    : KerasSchedule(o.initial_learning_rate), decay_steps_(static_cast<float>(o.decay_steps)),
      alpha_(static_cast<float>(o.alpha)), warmup_steps_(static_cast<float>(o.warmup_steps)) {
  PLATEAU_CHECK(o.decay_steps > 0, "keras.CosineDecay: decay_steps must be positive, got ", o.decay_steps);
  if (o.warmup_target) warmup_target_ = static_cast<float>(*o.warmup_target);
}
float KerasCosineDecay::at(float step, float lr0) const {
  auto decay = [&](float s, float peak) {
    const float fraction = std::min(s, decay_steps_) / decay_steps_;
    const float cosine = 0.5f * (1.0f + std::cos(kPi * fraction));
    return ((1.0f - alpha_) * cosine + alpha_) * peak;
  };
  if (!warmup_target_) return decay(step, lr0);  // warmup_steps is ignored without a target, as Keras
  step = std::min(step, decay_steps_ + warmup_steps_);
  if (step < warmup_steps_) return lr0 + (*warmup_target_ - lr0) * (step / warmup_steps_);
  return decay(step - warmup_steps_, *warmup_target_);
}

KerasCosineDecayRestarts::KerasCosineDecayRestarts(KerasCosineDecayRestartsOptions o)
    : KerasSchedule(o.initial_learning_rate), first_decay_steps_(static_cast<float>(o.first_decay_steps)),
      t_mul_(static_cast<float>(o.t_mul)), m_mul_(static_cast<float>(o.m_mul)), alpha_(static_cast<float>(o.alpha)) {
  PLATEAU_CHECK(o.first_decay_steps > 0, "keras.CosineDecayRestarts: first_decay_steps must be positive, got ",
                o.first_decay_steps);
}
float KerasCosineDecayRestarts::at(float step, float lr0) const {
  float fraction = step / first_decay_steps_;
  float i;
  if (t_mul_ == 1.0f) {
    i = std::floor(fraction);
    fraction -= i;
  } else {
    i = std::floor(std::log(1.0f - fraction * (1.0f - t_mul_)) / std::log(t_mul_));
    const float sum_r = (1.0f - std::pow(t_mul_, i)) / (1.0f - t_mul_);
    fraction = (fraction - sum_r) / std::pow(t_mul_, i);
  }
  const float m_fac = std::pow(m_mul_, i);
  const float cosine = 0.5f * m_fac * (1.0f + std::cos(kPi * fraction));
  return lr0 * ((1.0f - alpha_) * cosine + alpha_);
}

}  // namespace plateau
