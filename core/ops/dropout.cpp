#include "plateau/core/ops/dropout.h"

#include "plateau/core/error.h"
#include "plateau/core/ops/batch_split.h"

namespace plateau::ops {

DropoutResult dropout_forward(const Tensor& x, double rate, Rng& rng) {
  PLATEAU_CHECK(rate >= 0.0 && rate < 1.0, "dropout: rate must be in [0, 1), got ", rate);
  DropoutResult r{Tensor(x.shape()), Tensor(x.shape())};
  const float keep_scale = static_cast<float>(1.0 / (1.0 - rate));
  // The mask is drawn serially so it is the same whatever the thread count; in a batch split across
  // processes (batch_split.h) each draws the whole batch's, so a sample's mask does not depend on where
  // it is computed.
  const DrawsAround around = x.numel() == 0 ? DrawsAround{0, 0} : draws_around(x.dim(0), x.numel() / x.dim(0));
  for (int64_t i = 0; i < around.before; ++i) rng.uniform();
  for (int64_t i = 0; i < x.numel(); ++i) {
    r.mask[i] = rng.uniform() < rate ? 0.0f : keep_scale;
    r.y[i] = x[i] * r.mask[i];
  }
  for (int64_t i = 0; i < around.after; ++i) rng.uniform();
  return r;
}

Tensor dropout_backward(const Tensor& dy, const Tensor& mask) {
  PLATEAU_CHECK(dy.shape() == mask.shape(), "dropout_backward: dy has shape ", dy.shape(), ", mask has ",
                mask.shape());
  Tensor dx(dy.shape());
  for (int64_t i = 0; i < dy.numel(); ++i) dx[i] = dy[i] * mask[i];
  return dx;
}

}  // namespace plateau::ops
