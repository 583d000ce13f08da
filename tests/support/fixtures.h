#pragma once
// Reading the committed PyTorch fixtures and comparing tensors against them.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "plateau/core/io/safetensors.h"
#include "plateau/core/tensor.h"

namespace plateau::testing {

// tests/fixtures/<sub>/<name>.safetensors; PLATEAU_FIXTURE_DIR is set by CMake.
inline io::TensorFile load_fixture(const std::string& sub, const std::string& name) {
  return io::read_safetensors(std::string(PLATEAU_FIXTURE_DIR) + "/" + sub + "/" + name + ".safetensors");
}

inline int meta_int(const io::TensorFile& f, const std::string& key) { return std::stoi(f.metadata.at(key)); }
inline double meta_double(const io::TensorFile& f, const std::string& key) { return std::stod(f.metadata.at(key)); }

// Labels are stored as float32 class indices.
inline std::vector<int32_t> labels_of(const Tensor& t) {
  std::vector<int32_t> labels;
  for (int64_t i = 0; i < t.numel(); ++i) labels.push_back(static_cast<int32_t>(t[i]));
  return labels;
}

// max |actual - expected| / max |expected|: the error relative to the tensor's scale, which stays
// meaningful for entries near zero.
inline double relative_error(const Tensor& actual, const Tensor& expected) {
  double diff = 0.0, scale = 0.0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(actual[i]) - expected[i]));
    scale = std::max(scale, std::abs(static_cast<double>(expected[i])));
  }
  return scale > 0.0 ? diff / scale : diff;
}

// Checks shape and relative error; `what` names the quantity in the failure message.
inline void expect_close(const Tensor& actual, const Tensor& expected, double tolerance, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  EXPECT_LE(relative_error(actual, expected), tolerance) << what;
}

}  // namespace plateau::testing
