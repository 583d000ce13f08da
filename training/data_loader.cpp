#include "plateau/training/data_loader.h"

#include <numeric>

#include "plateau/core/error.h"
#include "plateau/core/random.h"

namespace plateau {

DataLoader::DataLoader(const ImageDataset& data, int64_t batch_size, bool shuffle, uint64_t seed)
    : data_(data), batch_size_(batch_size), shuffle_(shuffle), seed_(seed) {
  PLATEAU_CHECK(batch_size >= 1, "batch_size must be a positive integer, got ", batch_size);
  PLATEAU_CHECK(data.count >= 1, "the data set is empty");
  order_.resize(static_cast<size_t>(data.count));
  std::iota(order_.begin(), order_.end(), 0);
}

void DataLoader::start_epoch(int64_t epoch) {
  std::iota(order_.begin(), order_.end(), 0);
  if (!shuffle_) return;
  Rng rng = Rng::derive(seed_ ^ 0x5348554646ULL, static_cast<uint64_t>(epoch));  // "SHUFF"
  for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[rng.below(i + 1)]);
}

int64_t DataLoader::batches() const { return (data_.count + batch_size_ - 1) / batch_size_; }

std::vector<int64_t> DataLoader::batch_indices(int64_t b) const {
  const int64_t begin = b * batch_size_, end = std::min(data_.count, begin + batch_size_);
  return std::vector<int64_t>(order_.begin() + begin, order_.begin() + end);
}

}  // namespace plateau
