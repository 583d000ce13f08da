#pragma once
// ImageDataset: grayscale images and class labels kept as bytes until batched (28·28 bytes an image).

#include <cstdint>
#include <string>
#include <vector>

#include "plateau/core/tensor.h"

namespace plateau {

// Keras: the (x, y) uint8 arrays of keras.datasets.fashion_mnist.load_data(); PyTorch: torchvision's FashionMNIST.
// Usage:
//   const ImageDataset data = load_mnist_format(default_data_dir(), "train");
//   const Tensor x = data.images({0, 1, 2});              // (3,1,28,28) in [0,1]
//   const std::vector<int32_t> y = data.labels_at({0, 1, 2});
struct ImageDataset {
  int64_t count = 0, height = 0, width = 0;
  std::vector<uint8_t> pixels;  // count·height·width
  std::vector<uint8_t> labels;  // count
  // Images given as floats (count·height·width, used as they are, not scaled), instead of pixels: the
  // arrays a Python user passes to fit(), as Keras takes them.
  std::vector<float> values;

  // Images at `indices` as (N,1,H,W) floats: pixels scaled to [0,1], or the values as given.
  Tensor images(const std::vector<int64_t>& indices) const;
  // Labels at `indices`: the class indices training uses, and the same as an (N) float tensor for
  // the Tensor-target losses.
  std::vector<int32_t> labels_at(const std::vector<int64_t>& indices) const;
  Tensor label_tensor(const std::vector<int64_t>& indices) const;
  // Rows [begin, end) as a new data set (Keras validation_split takes the last rows).
  ImageDataset slice(int64_t begin, int64_t end) const;
};

// The standard four-file layout of MNIST and Fashion-MNIST: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz].
// split is "train" or "test". Errors say how to install the data when the directory is missing.
ImageDataset load_mnist_format(const std::string& dir, const std::string& split);

// PLATEAU_DATA when set, else /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
std::string default_data_dir();

}  // namespace plateau
