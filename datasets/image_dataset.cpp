#include "plateau/datasets/image_dataset.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/datasets/idx.h"

namespace plateau {

Tensor ImageDataset::images(const std::vector<int64_t>& indices) const {
  const int64_t n = static_cast<int64_t>(indices.size()), hw = height * width;
  Tensor t = Tensor::uninitialized(Shape{n, 1, height, width});  // every image is written below (or it throws)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = indices[static_cast<size_t>(i)];
    PLATEAU_CHECK(k >= 0 && k < count, "image index ", k, " outside [0, ", count, ")");
    float* dst = t.data() + i * hw;
    if (!values.empty()) {
      std::copy(values.data() + k * hw, values.data() + (k + 1) * hw, dst);
      continue;
    }
    const uint8_t* src = pixels.data() + k * hw;
    for (int64_t p = 0; p < hw; ++p) dst[p] = static_cast<float>(src[p]) / 255.0f;
  }
  return t;
}

std::vector<int32_t> ImageDataset::labels_at(const std::vector<int64_t>& indices) const {
  std::vector<int32_t> out(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    PLATEAU_CHECK(indices[i] >= 0 && indices[i] < count, "label index ", indices[i], " outside [0, ", count, ")");
    out[i] = labels[static_cast<size_t>(indices[i])];
  }
  return out;
}

Tensor ImageDataset::label_tensor(const std::vector<int64_t>& indices) const {
  Tensor t(Shape{static_cast<int64_t>(indices.size())});
  for (size_t i = 0; i < indices.size(); ++i) t[static_cast<int64_t>(i)] = labels[static_cast<size_t>(indices[i])];
  return t;
}

ImageDataset ImageDataset::slice(int64_t begin, int64_t end) const {
  PLATEAU_CHECK(0 <= begin && begin <= end && end <= count, "slice [", begin, ",", end, ") outside [0,", count, "]");
  const int64_t hw = height * width;
  ImageDataset d{end - begin, height, width, {}, {}};
  if (!values.empty()) {
    d.values.assign(values.begin() + begin * hw, values.begin() + end * hw);
  } else {
    d.pixels.assign(pixels.begin() + begin * hw, pixels.begin() + end * hw);
  }
  d.labels.assign(labels.begin() + begin, labels.begin() + end);
  return d;
}

std::string default_data_dir() {
  if (const char* env = std::getenv("PLATEAU_DATA"); env && *env) return env;
  return "/usr/share/datasets/fashion-mnist";
}

ImageDataset load_mnist_format(const std::string& dir, const std::string& split) {
  PLATEAU_CHECK(split == "train" || split == "test", "data split must be \"train\" or \"test\", got \"", split, "\"");
  PLATEAU_CHECK(io::is_directory(dir), "data directory '", printable(dir, 200),
                "' does not exist; install Fashion-MNIST with `apt-get install dataset-fashion-mnist` "
                "(or run scripts/setup.sh), or pass --data DIR / set PLATEAU_DATA");
  const std::string prefix = split == "train" ? "train" : "t10k";
  auto find = [&](const std::string& stem) {
    for (const std::string& name : {stem + ".gz", stem}) {
      const auto p = std::filesystem::path(dir) / name;
      if (io::is_regular_file(p.string())) return p.string();
    }
    throw Error(cat("data directory '", dir, "' has no ", stem, "[.gz]; expected the MNIST-format files (",
                    "apt-get install dataset-fashion-mnist)"));
  };
  const std::string images_path = find(prefix + "-images-idx3-ubyte");
  const std::string labels_path = find(prefix + "-labels-idx1-ubyte");
  IdxArray images = read_idx(images_path), labels = read_idx(labels_path);
  PLATEAU_CHECK(images.dims.size() == 3, "IDX file '", images_path, "': expected 3 dimensions (count, rows, cols), ",
                "found ", images.dims.size());
  PLATEAU_CHECK(labels.dims.size() == 1, "IDX file '", labels_path, "': expected 1 dimension, found ",
                labels.dims.size());
  PLATEAU_CHECK(images.dims[0] >= 1 && images.dims[1] >= 1 && images.dims[2] >= 1, "IDX file '", images_path,
                "': expected at least one image of at least 1x1 pixels, found ", images.dims[0], " of ", images.dims[1],
                "x", images.dims[2]);
  PLATEAU_CHECK(images.dims[0] == labels.dims[0], "image/label count mismatch: '", images_path, "' has ",
                images.dims[0], " images, '", labels_path, "' has ", labels.dims[0], " labels");
  for (size_t i = 0; i < labels.data.size(); ++i)
    PLATEAU_CHECK(labels.data[i] < 10, "IDX file '", labels_path, "': label ", int(labels.data[i]), " at index ", i,
                  " is not a class in [0, 10)");
  return ImageDataset{images.dims[0], images.dims[1], images.dims[2], std::move(images.data), std::move(labels.data)};
}

}  // namespace plateau
