#include "plateau/core/ops/dropout.h"

#include <algorithm>
#include <vector>

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"
#include "plateau/core/ops/scratch.h"

namespace plateau::ops {

DropoutResult dropout_forward(const Tensor& x, double rate, Rng& rng) {
  PLATEAU_CHECK(rate >= 0.0 && rate < 1.0, "dropout: rate must be in [0, 1), got ", rate);
  DropoutResult r{Tensor::uninitialized(x.shape()), Tensor::uninitialized(x.shape())};
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  // The mask is drawn serially so it is the same whatever the thread count; in a batch split across
  // processes (batch_split.h) each draws the whole batch's, so a sample's mask does not depend on where
  // it is computed. The draws first, all at once, then the mask from them (a loop that vectorizes).
  const int64_t n = x.numel();
  const DrawsAround around = n == 0 ? DrawsAround{0, 0} : draws_around(x.dim(0), n / x.dim(0));
  thread_local std::vector<double> draws;
  double* u = at_least(draws, std::max({around.before, around.after, n}));
  rng.uniform(u, around.before);  // the samples before this process's
  rng.uniform(u, n);
  const float* xs = x.data();
  float* mask = r.mask.data();
  float* y = r.y.data();
  for (int64_t i = 0; i < n; ++i) {
    mask[i] = u[i] < rate ? 0.0f : keep_scale;
    y[i] = xs[i] * mask[i];
  }
  rng.uniform(u, around.after);  // and after
  return r;
}

Tensor dropout_backward(const Tensor& dy, const Tensor& mask) {
  PLATEAU_CHECK(dy.shape() == mask.shape(), "dropout_backward: dy has shape ", dy.shape(), ", mask has ",
                mask.shape());
  Tensor dx = Tensor::uninitialized(dy.shape());
  const float* d = dy.data();
  const float* m = mask.data();
  float* out = dx.data();
  for (int64_t i = 0; i < dy.numel(); ++i) out[i] = d[i] * m[i];
  return dx;
}

}  // namespace plateau::ops
