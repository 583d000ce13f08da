#include "plateau/training/setup.h"

#include <algorithm>

#include "plateau/core/error.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "plateau/optim/optimizer_spec.h"

namespace plateau {

ImageDataset load_data(const DataOptions& o) {
  PLATEAU_CHECK(o.limit >= 0, "limit must be non-negative, got ", o.limit);
  ImageDataset data = load_mnist_format(o.dir.empty() ? default_data_dir() : o.dir, o.split);
  if (o.limit > 0) data = data.slice(0, std::min(o.limit, data.count));
  return data;
}

std::unique_ptr<Model> build_compiled_model(const ModelOptions& o) {
  auto net = build_model(o.spec, o.input_shape, o.seed, o.dtype_policy);
  if (!o.weights.empty()) load_weights(*net, o.weights);
  std::unique_ptr<Optimizer> optimizer;
  if (!o.optimizer.is_null()) optimizer = make_optimizer(o.optimizer, net->parameters(), o.lr);
  auto model = std::make_unique<Model>(std::move(net));
  model->compile(std::move(optimizer), Loss(o.loss));
  return model;
}

}  // namespace plateau
