#pragma once
// Internal to core/: Eigen Map views of Tensor storage, row-major. Include only from .cpp files.

#include <Eigen/Core>

namespace plateau::ops {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMatrixView = Eigen::Map<const RowMatrix>;
using MutMatrixView = Eigen::Map<RowMatrix>;

inline ConstMatrixView view(const float* p, int64_t rows, int64_t cols) { return ConstMatrixView(p, rows, cols); }
inline MutMatrixView view(float* p, int64_t rows, int64_t cols) { return MutMatrixView(p, rows, cols); }

// A view of rows×cols values whose rows start `stride` floats apart.
using ConstStridedView = Eigen::Map<const RowMatrix, 0, Eigen::OuterStride<>>;
using MutStridedView = Eigen::Map<RowMatrix, 0, Eigen::OuterStride<>>;
inline ConstStridedView view(const float* p, int64_t rows, int64_t cols, int64_t stride) {
  return ConstStridedView(p, rows, cols, Eigen::OuterStride<>(stride));
}
inline MutStridedView view(float* p, int64_t rows, int64_t cols, int64_t stride) {
  return MutStridedView(p, rows, cols, Eigen::OuterStride<>(stride));
}

}  // namespace plateau::ops
