#pragma once
// replay(): drives callbacks through fit()'s epoch hooks with logged metrics instead of training,
// to answer "what would these callbacks have done on that run?" (plateau replay) and to test
// callbacks against scripted logs. The model is a stand-in whose single weight holds the epoch
// number at each epoch end, so weights that EarlyStopping restores name their epoch.

#include <optional>
#include <string>
#include <vector>

#include "plateau/callbacks/callback_list.h"

namespace plateau {

struct ReplayEpoch {
  int64_t epoch;
  double lr;        // in effect during the epoch (after on_epoch_begin)
  bool checkpoint;  // a ModelCheckpoint saved at its end
  bool stop;        // stop_training was set at its end
};

struct ReplayResult {
  std::vector<ReplayEpoch> epochs;
  std::optional<int64_t> stopped_epoch;   // the epoch after which training stopped
  std::optional<int64_t> restored_epoch;  // whose end-of-epoch weights the model holds after on_train_end
  std::vector<std::string> messages;      // what the callbacks printed, LR log lines included
  std::vector<LrChange> lr_changes;
};

// `epochs[e]` are epoch e's logs (absent keys: not logged that epoch). `initial_epoch` offsets the
// absolute epoch index as fit(initial_epoch=…) does.
ReplayResult replay(CallbackList& callbacks, const std::vector<Logs>& epochs, double lr, int64_t initial_epoch = 0);

}  // namespace plateau
