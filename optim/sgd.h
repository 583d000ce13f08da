#pragma once
// SGD as PyTorch's torch.optim.SGD (plain, Momentum and Nesterov), names and defaults included:
//   g = grad + weight_decay·p
//   momentum ≠ 0: buf = g on the first step, else buf = momentum·buf + (1 − dampening)·g;
//                 g = g + momentum·buf (nesterov) or g = buf
//   p -= lr·g
// The buffer is lr-free, so a new lr applies at once (Keras' SGD keeps lr inside: keras.SGD).

#include "plateau/optim/optimizer.h"

namespace plateau {

struct SGDOptions {
  double lr = 1e-3;  // PyTorch >= 2.0 default; 1.13 required it
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  GradientClipping clipping = {};
};

// Usage:
//   SGD sgd(net.parameters(), {.lr = 0.01, .momentum = 0.9, .nesterov = true});
//   sgd.step();  // after backward()
class SGD : public Optimizer {
 public:
  SGD(const std::vector<Variable>& params, SGDOptions options);
  std::string name() const override { return "SGD"; }
  nlohmann::json config() const override;
  bool uses_momentum() const override { return true; }
  SlotNames slot_names() const override { return {{}, {"momentum_buffer"}}; }

 protected:
  void update(const ParamGroup& group, ParamState& state, Tensor& param, const Tensor& grad) override;

 private:
  SGDOptions options_;
};

}  // namespace plateau
