#pragma once
// Loss: Keras' losses by name. categorical_crossentropy takes one-hot (N,K) targets,
// sparse_categorical_crossentropy takes (N) class indices, mse takes targets of the output's shape.
// With from_logits=false and a model whose last activation is softmax, Model feeds the logits to
// the fused, stable path (no log of a softmax that underflowed), as Keras does with _keras_logits.

#include <string>
#include <vector>

#include "plateau/core/autograd/variable.h"

namespace plateau {

// Keras: keras.losses.SparseCategoricalCrossentropy, CategoricalCrossentropy, MeanSquaredError;
// PyTorch: torch.nn.CrossEntropyLoss (from logits), MSELoss.
// Usage:
//   const Loss loss("sparse_categorical_crossentropy");
//   Variable value = loss.of_labels(net(Variable(train.images({0, 1}))), train.labels_at({0, 1}));
//   value.backward();
class Loss {
 public:
  enum class Kind { CategoricalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError };

  explicit Loss(const std::string& name, bool from_logits = false);
  static const std::vector<std::string>& names();

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  bool from_logits() const { return from_logits_; }
  bool is_crossentropy() const { return kind_ != Kind::MeanSquaredError; }

  // Scalar mean loss of the model's output (probabilities, or logits when from_logits).
  Variable operator()(const Variable& y_pred, const Tensor& y_true) const;
  // Scalar mean loss from the logits of a softmax output: the fused softmax cross-entropy.
  Variable from_softmax_logits(const Variable& logits, const Tensor& y_true) const;
  // The same two for class labels, as fit() trains on them: sparse cross-entropy takes them as they
  // are; categorical cross-entropy and mse take their one-hot rows (Keras' to_categorical).
  Variable of_labels(const Variable& y_pred, const std::vector<int32_t>& labels) const;
  Variable of_labels_from_softmax_logits(const Variable& logits, const std::vector<int32_t>& labels) const;

 private:
  Tensor dense_target(const Tensor& y_true, const Shape& pred_shape) const;  // one-hot for sparse labels

  std::string name_;
  Kind kind_;
  bool from_logits_;
};

std::vector<int32_t> class_labels(const Tensor& y_true, int64_t num_classes);  // checked (N) -> ints
Tensor one_hot(const std::vector<int32_t>& labels, int64_t num_classes);       // checked -> (N, num_classes)

}  // namespace plateau
