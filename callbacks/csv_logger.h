#pragma once
// keras.callbacks.CSVLogger (keras/src/callbacks/csv_logger.py): one row per epoch, columns "epoch"
// then the first epoch's log keys sorted; a key an epoch lacks is written "NA". With append=true an
// existing file keeps its rows and header (one header only). Every write replaces the file
// atomically, so a crash never leaves half a row.

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

struct CSVLoggerOptions {
  std::string filename;
  std::string separator = ",";
  bool append = false;
  std::vector<std::string> columns = {};  // fixed columns (after "epoch") instead of the sorted log keys
  bool dry_run = false;                   // keep the rows in memory, write nothing (plateau replay)
};

// Usage:
//   callbacks.add(std::make_unique<callbacks::CSVLogger>(callbacks::CSVLoggerOptions{.filename = "log.csv"}));
class CSVLogger : public Callback {
 public:
  explicit CSVLogger(CSVLoggerOptions options);
  std::string name() const override { return "CSVLogger"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  // Resuming: the file keeps its header and the rows this run had written, nothing after them.
  void load_state_dict(const JsonField& j) override;

 private:
  CSVLoggerOptions options_;
  std::vector<std::string> keys_;
  std::string content_;  // the whole file as written so far
};

}  // namespace plateau::callbacks
