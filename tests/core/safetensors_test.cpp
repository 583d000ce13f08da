#include <gtest/gtest.h>

#include <filesystem>

#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/io/safetensors.h"
#include "plateau/core/random.h"
#include "tests/support/scratch_dir.h"

namespace plateau {
namespace {

io::TensorFile sample() {
  Rng rng(5);
  io::TensorFile f;
  f.tensors.emplace_back("0.weight", uniform_tensor({4, 1, 3, 3}, -1, 1, rng));
  f.tensors.emplace_back("0.bias", uniform_tensor({4}, -1, 1, rng));
  f.metadata["model"] = "[{\"type\":\"Dense\"}]";
  return f;
}

std::string error_of(const std::string& bytes) {
  try {
    io::decode_safetensors(bytes, "w.safetensors");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, RoundTripThroughAFile) {
  const auto dir = testing::scratch_dir("plateau_st_test");
  const std::string path = (dir / "w.safetensors").string();
  const io::TensorFile f = sample();
  io::write_safetensors(path, f);
  const io::TensorFile g = io::read_safetensors(path);
  ASSERT_EQ(g.tensors.size(), 2u);
  EXPECT_EQ(g.tensors[0].first, "0.weight");
  EXPECT_TRUE(identical(g.at("0.weight"), f.at("0.weight")));
  EXPECT_TRUE(identical(g.at("0.bias"), f.at("0.bias")));
  EXPECT_EQ(g.metadata.at("model"), f.metadata.at("model"));
  // the temporary file is gone after the rename
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

TEST(Safetensors, HeaderIsAlignedAndLittleEndian) {
  const std::string bytes = io::encode_safetensors(sample());
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<uint8_t>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + n + (36 + 4) * 4);
}

TEST(Safetensors, TruncatedFilesAreRejectedAtEveryLength) {
  const std::string bytes = io::encode_safetensors(sample());
  for (size_t len : {size_t{0}, size_t{7}, size_t{8}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    const std::string msg = error_of(bytes.substr(0, len));
    EXPECT_NE(msg.find("w.safetensors"), std::string::npos) << "length " << len << ": " << msg;
  }
}

TEST(Safetensors, CorruptHeadersAreRejectedWithTheReason) {
  const std::string good = io::encode_safetensors(sample());
  std::string bad_json = good;
  bad_json[9] = '#';
  EXPECT_NE(error_of(bad_json).find("not valid JSON"), std::string::npos);
  std::string huge_len = good;
  huge_len[5] = '\x7f';
  EXPECT_NE(error_of(huge_len).find("header length"), std::string::npos);
  std::string extra = good + "xxxx";
  EXPECT_NE(error_of(extra).find("trailing bytes"), std::string::npos);
  std::string dtype = good;
  dtype.replace(dtype.find("F32"), 3, "F16");
  EXPECT_NE(error_of(dtype).find("dtype \"F16\""), std::string::npos);
}

TEST(Safetensors, MissingTensorListsThePresentOnes) {
  const io::TensorFile f = sample();
  try {
    f.at("1.weight");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("present: 0.weight, 0.bias"), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, ReadOfMissingFileNamesIt) {
  try {
    io::read_file("/nonexistent/plateau.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/plateau.bin"), std::string::npos);
  }
}

}  // namespace
}  // namespace plateau
