#pragma once
// Monitor: the shared "is this an improvement?" test of Keras 3.11+ MonitorCallback
// (keras/src/callbacks/monitor_callback.py), used by ReduceLROnPlateau, EarlyStopping and
// ModelCheckpoint:
//   min_delta is stored as |min_delta|; mode "auto" → "min" when the name without val_ is "loss",
//   "max" for metrics that grow (accuracy), otherwise an error asking for a mode.
//   improvement(v, ref) = ref is None, or f32(v + |d|) < f32(ref) (min) / f32(v − |d|) > f32(ref) (max):
//   the comparison is in float32, as keras.ops.less/greater convert Python floats.

#include <optional>
#include <string>

namespace plateau {

// Keras: MonitorCallback._set_monitor_op / _is_improvement.
// Usage:
//   const Monitor m("val_loss", "auto", 1e-4, "EarlyStopping");  // mode resolves to "min"
//   const bool better = m.is_improvement(0.30, 0.31);             // true: 0.30 + 1e-4 < 0.31
class Monitor {
 public:
  Monitor(std::string key, std::string mode, double min_delta, const std::string& owner);

  const std::string& key() const { return key_; }
  const std::string& mode() const { return mode_; }  // "min" or "max" once resolved
  double min_delta() const { return min_delta_; }
  bool is_improvement(double value, std::optional<double> reference) const;
  // "not below best 0.3120 − 1e-4" / "not above best 0.91 + 0"
  std::string describe_failure(double best) const;

 private:
  std::string key_, mode_;
  double min_delta_;
};

}  // namespace plateau
