#pragma once
// ProgressBar: Keras 3's ProgbarLogger look. verbose=1 on a terminal redraws one line per batch
//   "123/375 ━━━━━━━━━━━━──────── 13s 53ms/step - accuracy: 0.7912 - loss: 0.5801"
// and ends each epoch with the validation metrics; verbose=2, or output that is not a terminal,
// prints one line per epoch. Values print as Keras does: %.4f, or %.4e below 1e-3.

#include <chrono>
#include <cstdio>

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

// Keras: keras.callbacks.ProgbarLogger (fit(verbose=…)).
// Usage:
//   callbacks.add_tail(std::make_unique<callbacks::ProgressBar>(/*verbose=*/1, /*interactive=*/true));
class ProgressBar : public Callback {
 public:
  ProgressBar(int verbose, bool interactive, std::FILE* out = stdout);
  std::string name() const override { return "ProgressBar"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_begin(TrainingState& s) override;
  void on_batch_begin(TrainingState& s) override;
  void on_batch_end(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;

  static std::string format_value(double v);

 private:
  std::string metrics_text(const Logs& logs) const;
  std::string line(const TrainingState& s, double elapsed, bool final) const;

  int verbose_;
  bool interactive_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point epoch_start_, last_draw_;
  // The batch the clock started at: 0, or where a run resumed in the middle of an epoch (its earlier
  // batches ran in another process, so time and ms/step count only those run here). -1: not started.
  int64_t timed_from_ = -1;
};

}  // namespace plateau::callbacks
