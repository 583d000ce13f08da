#include "plateau/training/loss.h"

#include <cmath>

#include "plateau/core/autograd/functions.h"
#include "plateau/core/error.h"

namespace plateau {

const std::vector<std::string>& Loss::names() {
  static const std::vector<std::string> n{"categorical_crossentropy", "sparse_categorical_crossentropy", "mse"};
  return n;
}

Loss::Loss(const std::string& name, bool from_logits) : name_(name), from_logits_(from_logits) {
  if (name == "categorical_crossentropy") {
    kind_ = Kind::CategoricalCrossentropy;
  } else if (name == "sparse_categorical_crossentropy") {
    kind_ = Kind::SparseCategoricalCrossentropy;
  } else if (name == "mse" || name == "mean_squared_error") {
    kind_ = Kind::MeanSquaredError;
    name_ = "mse";
  } else {
    throw Error(cat("unknown loss '", name, "' (valid: ", join(names()), ")"));
  }
}

std::vector<int32_t> class_labels(const Tensor& y_true, int64_t num_classes) {
  PLATEAU_CHECK(y_true.shape().rank() == 1, "sparse_categorical_crossentropy: targets must be (N) class indices, got ",
                "shape ", y_true.shape());
  std::vector<int32_t> labels(static_cast<size_t>(y_true.numel()));
  for (int64_t i = 0; i < y_true.numel(); ++i) {
    const float v = y_true[i];
    PLATEAU_CHECK(v >= 0 && v < static_cast<float>(num_classes) && v == std::floor(v), "class index ", v, " at row ",
                  i, " is not an integer in [0, ", num_classes, ")");
    labels[static_cast<size_t>(i)] = static_cast<int32_t>(v);
  }
  return labels;
}

Tensor one_hot(const std::vector<int32_t>& labels, int64_t num_classes) {
  Tensor rows(Shape{static_cast<int64_t>(labels.size()), num_classes});
  for (size_t i = 0; i < labels.size(); ++i) {
    PLATEAU_CHECK(labels[i] >= 0 && labels[i] < num_classes, "class index ", labels[i], " at row ", i,
                  " is not an integer in [0, ", num_classes, ")");
    rows[static_cast<int64_t>(i) * num_classes + labels[i]] = 1.0f;
  }
  return rows;
}

Tensor Loss::dense_target(const Tensor& y_true, const Shape& pred_shape) const {
  PLATEAU_CHECK(pred_shape.rank() == 2, name_, ": predictions must be (N,K), got shape ", pred_shape);
  if (kind_ == Kind::SparseCategoricalCrossentropy) {
    const auto labels = class_labels(y_true, pred_shape[1]);
    PLATEAU_CHECK(static_cast<int64_t>(labels.size()) == pred_shape[0], name_, ": ", labels.size(),
                  " targets for predictions of shape ", pred_shape);
    Tensor onehot(pred_shape);
    for (size_t i = 0; i < labels.size(); ++i) onehot[static_cast<int64_t>(i) * pred_shape[1] + labels[i]] = 1.0f;
    return onehot;
  }
  PLATEAU_CHECK(y_true.shape() == pred_shape, name_, ": targets have shape ", y_true.shape(), ", predictions ",
                pred_shape, kind_ == Kind::CategoricalCrossentropy ? " (categorical targets are one-hot rows)" : "");
  return y_true;
}

Variable Loss::operator()(const Variable& y_pred, const Tensor& y_true) const {
  if (kind_ == Kind::MeanSquaredError) {
    PLATEAU_CHECK(y_true.shape() == y_pred.shape(), "mse: targets have shape ", y_true.shape(), ", predictions ",
                  y_pred.shape());
    return fn::mse(y_pred, y_true);
  }
  if (from_logits_) return from_softmax_logits(y_pred, y_true);
  return fn::crossentropy_from_probs(y_pred, dense_target(y_true, y_pred.shape()));
}

Variable Loss::of_labels(const Variable& y_pred, const std::vector<int32_t>& labels) const {
  PLATEAU_CHECK(y_pred.shape().rank() == 2 && y_pred.shape()[0] == static_cast<int64_t>(labels.size()), name_, ": ",
                labels.size(), " labels for predictions of shape ", y_pred.shape());
  if (from_logits_ && is_crossentropy()) return of_labels_from_softmax_logits(y_pred, labels);
  const Tensor rows = one_hot(labels, y_pred.shape()[1]);
  return kind_ == Kind::MeanSquaredError ? fn::mse(y_pred, rows) : fn::crossentropy_from_probs(y_pred, rows);
}

Variable Loss::of_labels_from_softmax_logits(const Variable& logits, const std::vector<int32_t>& labels) const {
  PLATEAU_CHECK(is_crossentropy(), name_, " has no fused softmax path");
  PLATEAU_CHECK(logits.shape().rank() == 2 && logits.shape()[0] == static_cast<int64_t>(labels.size()), name_, ": ",
                labels.size(), " labels for logits of shape ", logits.shape());
  if (kind_ == Kind::SparseCategoricalCrossentropy) {
    for (size_t i = 0; i < labels.size(); ++i)
      PLATEAU_CHECK(labels[i] >= 0 && labels[i] < logits.shape()[1], "class index ", labels[i], " at row ", i,
                    " is not an integer in [0, ", logits.shape()[1], ")");
    return fn::sparse_softmax_cross_entropy(logits, labels);
  }
  return fn::softmax_cross_entropy(logits, one_hot(labels, logits.shape()[1]));
}

Variable Loss::from_softmax_logits(const Variable& logits, const Tensor& y_true) const {
  PLATEAU_CHECK(is_crossentropy(), name_, " has no fused softmax path");
  if (kind_ == Kind::SparseCategoricalCrossentropy)
    return fn::sparse_softmax_cross_entropy(logits, class_labels(y_true, logits.shape()[1]));
  return fn::softmax_cross_entropy(logits, dense_target(y_true, logits.shape()));
}

}  // namespace plateau
