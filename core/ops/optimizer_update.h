#pragma once
// The optimizers' element-wise updates that dominate their step, compiled per kernel set (kernels.h) so
// that they run in the CPU's widest vectors: compiled once for x86-64-v2, Keras' Adam ran its double
// square roots and divisions one value at a time (0.55 ms of the seed CNN's 16 ms step).
//
// This file's source is compiled with -ffp-contract=off and -fno-math-errno (core/CMakeLists.txt): every
// operation rounds as written, in every set, so the results are bit for bit those of the scalar loop.

#include <cstdint>

namespace plateau::ops {

// One step of Keras 3's Adam (keras/src/optimizers/adam.py) on n values, in double, each result rounded to
// float: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); with amsgrad (v_hat not null) v_hat = max(v_hat, v)
// takes v's place below; w −= alpha·m / (√v + ε), alpha the step's bias-corrected learning rate.
struct KerasAdamStep {
  double alpha, beta1, beta2, epsilon;
};
void keras_adam_update(const KerasAdamStep& step, int64_t n, float* w, const float* g, float* m, float* v,
                       float* v_hat);

}  // namespace plateau::ops
