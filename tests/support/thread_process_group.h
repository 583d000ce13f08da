#pragma once
// ThreadProcessGroup: a ProcessGroup whose "processes" are threads of the test, exchanging through
// shared memory, so data-parallel fit() can be checked rank by rank without mpirun. Every collective is
// one exchange: each rank puts its bytes in its slot, waits for all, reads every slot, then waits
// again so that no slot is overwritten while another rank still reads it.

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "plateau/core/process_group.h"

namespace plateau::testing {

class ThreadExchange {
 public:
  explicit ThreadExchange(int size) : size_(size), slots_(static_cast<size_t>(size)) {}
  int size() const { return size_; }

  // Every rank's bytes, in rank order.
  std::vector<std::string> exchange(int rank, std::string mine) {
    {
      std::unique_lock lock(mutex_);
      slots_[static_cast<size_t>(rank)] = std::move(mine);
    }
    wait_for_all();
    std::vector<std::string> all;
    {
      std::unique_lock lock(mutex_);
      all = slots_;
    }
    wait_for_all();
    return all;
  }

 private:
  void wait_for_all() {
    std::unique_lock lock(mutex_);
    const long generation = generation_;
    if (++arrived_ == size_) {
      arrived_ = 0;
      ++generation_;
      all_arrived_.notify_all();
    } else {
      all_arrived_.wait(lock, [&] { return generation_ != generation; });
    }
  }

  int size_;
  std::vector<std::string> slots_;
  std::mutex mutex_;
  std::condition_variable all_arrived_;
  int arrived_ = 0;
  long generation_ = 0;
};

class ThreadProcessGroup : public ProcessGroup {
 public:
  ThreadProcessGroup(ThreadExchange& exchange, int rank) : exchange_(exchange), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return exchange_.size(); }
  std::vector<double> all_gather(std::span<const double> mine) override { return gather(mine); }
  std::vector<float> all_gather(std::span<const float> mine) override { return gather(mine); }
  void all_reduce_sum(std::span<float> values) override {  // rank order, as a fixed-size MPI job would
    const std::vector<std::string> all = exchange_.exchange(rank_, bytes(std::span<const float>(values)));
    std::vector<float> sum(values.size(), 0.0f);
    for (const std::string& part : all)
      for (size_t i = 0; i < sum.size(); ++i) sum[i] += reinterpret_cast<const float*>(part.data())[i];
    std::copy(sum.begin(), sum.end(), values.begin());
  }
  std::string broadcast(const std::string& text) override { return exchange_.exchange(rank_, text)[0]; }
  bool all_true(bool ok) override {
    for (const std::string& v : exchange_.exchange(rank_, ok ? "1" : "0"))
      if (v != "1") return false;
    return true;
  }

 private:
  template <typename T>
  static std::string bytes(std::span<const T> values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  }
  template <typename T>
  std::vector<T> gather(std::span<const T> mine) {
    std::vector<T> all;
    for (const std::string& part : exchange_.exchange(rank_, bytes(mine))) {
      const size_t n = part.size() / sizeof(T), at = all.size();
      all.resize(at + n);
      std::memcpy(all.data() + at, part.data(), part.size());
    }
    return all;
  }

  ThreadExchange& exchange_;
  int rank_;
};

}  // namespace plateau::testing
