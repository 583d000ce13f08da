#pragma once
// DataLoader: batches of an ImageDataset. The order of epoch e is a permutation drawn from a stream
// derived from (seed, e), so any epoch's order can be recomputed — resuming needs only the epoch and
// the batch cursor. Without shuffle the order is the data set's.

#include <cstdint>
#include <vector>

#include "plateau/datasets/image_dataset.h"

namespace plateau {

// PyTorch: torch.utils.data.DataLoader(shuffle=…, generator=…); Keras: fit()'s shuffling of arrays.
// Usage:
//   DataLoader loader(train, /*batch_size=*/64, /*shuffle=*/true, /*seed=*/1);
//   loader.start_epoch(0);
//   for (int64_t b = 0; b < loader.batches(); ++b) model.train_step(train, loader.batch_indices(b));
class DataLoader {
 public:
  DataLoader(const ImageDataset& data, int64_t batch_size, bool shuffle, uint64_t seed);

  void start_epoch(int64_t epoch);
  int64_t batches() const;                            // per epoch; the last may be smaller
  std::vector<int64_t> batch_indices(int64_t b) const;  // indices into the data set
  const ImageDataset& data() const { return data_; }

 private:
  const ImageDataset& data_;
  int64_t batch_size_;
  bool shuffle_;
  uint64_t seed_;
  std::vector<int64_t> order_;
};

}  // namespace plateau
