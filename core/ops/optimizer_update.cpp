#include "plateau/core/ops/optimizer_update.h"

#include <algorithm>
#include <cmath>

#include "plateau/core/ops/parallel.h"

namespace plateau::ops {

void keras_adam_update(const KerasAdamStep& step, int64_t n, float* w, const float* g, float* m, float* v,
                       float* v_hat) {
  const double b1 = step.beta1, b2 = step.beta2, eps = step.epsilon, alpha = step.alpha;
  // two loops rather than a test inside one, so that each vectorizes
  if (!v_hat) {
    for_each_element(n, [&](int64_t i) {
      const double mi = m[i] + (g[i] - m[i]) * (1.0 - b1);
      const double vi = v[i] + (static_cast<double>(g[i]) * g[i] - v[i]) * (1.0 - b2);
      m[i] = static_cast<float>(mi);
      v[i] = static_cast<float>(vi);
      w[i] = static_cast<float>(w[i] - alpha * mi / (std::sqrt(vi) + eps));
    });
    return;
  }
  for_each_element(n, [&](int64_t i) {
    const double mi = m[i] + (g[i] - m[i]) * (1.0 - b1);
    const double vi = v[i] + (static_cast<double>(g[i]) * g[i] - v[i]) * (1.0 - b2);
    m[i] = static_cast<float>(mi);
    v[i] = static_cast<float>(vi);
    const double second = std::max(static_cast<double>(v_hat[i]), vi);
    v_hat[i] = static_cast<float>(second);
    w[i] = static_cast<float>(w[i] - alpha * mi / (std::sqrt(second) + eps));
  });
}

}  // namespace plateau::ops
