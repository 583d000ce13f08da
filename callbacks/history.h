#pragma once
// keras.callbacks.History: every epoch's logs, in order. fit() returns it.

#include "plateau/callbacks/callback.h"

namespace plateau::callbacks {

// Usage:
//   const callbacks::History h = model.fit(train, {.epochs = 3, .validation_split = 0.2}, callbacks);
//   for (double v : h.history.at("val_loss")) std::printf("%.4f\n", v);
class History : public Callback {
 public:
  std::string name() const override { return "History"; }
  void on_train_begin(TrainingState&) override {}
  void on_epoch_end(TrainingState& s) override {
    epochs.push_back(s.epoch);
    for (const auto& [k, v] : s.logs) history[k].push_back(v);
    logs.push_back(s.logs);
  }
  nlohmann::json state_dict() const override { return {{"epochs", epochs}, {"logs", logs_json()}}; }
  void load_state_dict(const JsonField& j) override;

  std::vector<int64_t> epochs;                           // 0-based epoch indices
  std::map<std::string, std::vector<double>> history;    // key -> value per epoch that had it
  std::vector<Logs> logs;                                // each epoch's full logs

 private:
  nlohmann::json logs_json() const;
};

}  // namespace plateau::callbacks
