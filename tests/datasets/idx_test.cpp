#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "plateau/core/error.h"
#include "plateau/datasets/idx.h"
#include "plateau/datasets/image_dataset.h"

namespace plateau {
namespace {

std::string idx_bytes(std::vector<uint32_t> dims, size_t data_bytes, uint8_t type = 0x08) {
  std::string b{0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((d >> s) & 0xff));
  for (size_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<char>(i % 10));
  return b;
}

std::string error_of(const std::string& bytes) {
  try {
    decode_idx(bytes, "x.idx");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Idx, DecodesDimensionsAndData) {
  const IdxArray a = decode_idx(idx_bytes({2, 3, 4}, 24), "x.idx");
  EXPECT_EQ(a.dims, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(a.data.size(), 24u);
  EXPECT_EQ(a.data[13], 3);
}

TEST(Idx, BadFilesNameTheFileExpectedAndFound) {
  const std::string truncated = error_of(idx_bytes({2, 3, 4}, 20));
  EXPECT_NE(truncated.find("x.idx"), std::string::npos);
  EXPECT_NE(truncated.find("expected 24 data bytes for its dimensions, found 20 (the file is truncated)"),
            std::string::npos)
      << truncated;
  EXPECT_NE(error_of(idx_bytes({4}, 4, 0x0D)).find("wrong magic number (expected 00 00 08"), std::string::npos);
  EXPECT_NE(error_of("\x00\x00").find("too short"), std::string::npos);
  EXPECT_NE(error_of(idx_bytes({2, 3, 4}, 24).substr(0, 10)).find("truncated header"), std::string::npos);
}

TEST(Idx, ReadsGzipAndRejectsTruncatedGzip) {
  const auto dir = std::filesystem::temp_directory_path() / "plateau_idx_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "a.idx.gz").string();
  const std::string raw = idx_bytes({5, 2}, 10);
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, raw.data(), static_cast<unsigned>(raw.size()));
  gzclose(f);
  EXPECT_EQ(read_idx(path).dims, (std::vector<int64_t>{5, 2}));
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 6);
  EXPECT_THROW(read_idx(path), Error);
  std::filesystem::remove_all(dir);
}

TEST(Dataset, MissingDirectorySaysHowToInstall) {
  try {
    load_mnist_format("/nonexistent/fashion", "train");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("apt-get install dataset-fashion-mnist"), std::string::npos) << e.what();
  }
}

TEST(Dataset, ImageLabelCountMismatchIsAnError) {
  const auto dir = std::filesystem::temp_directory_path() / "plateau_mismatch";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "t10k-images-idx3-ubyte", std::ios::binary) << idx_bytes({3, 2, 2}, 12);
  std::ofstream(dir / "t10k-labels-idx1-ubyte", std::ios::binary) << idx_bytes({2}, 2);
  try {
    load_mnist_format(dir.string(), "test");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has 3 images"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("has 2 labels"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(Dataset, FashionMnistFromDebianPackage) {
  const ImageDataset test = load_mnist_format(default_data_dir(), "test");
  EXPECT_EQ(test.count, 10000);
  EXPECT_EQ(test.height, 28);
  const Tensor x = test.images({0, 9999});
  EXPECT_EQ(x.shape(), Shape({2, 1, 28, 28}));
  float hi = 0;
  for (int64_t i = 0; i < x.numel(); ++i) hi = std::max(hi, x[i]);
  EXPECT_LE(hi, 1.0f);
  EXPECT_GT(hi, 0.5f);
  EXPECT_EQ(test.labels[0], 9);  // the first test image is an ankle boot
}

}  // namespace
}  // namespace plateau
