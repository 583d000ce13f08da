#pragma once
// PlateauScheduleCallback: the adapter that drives PyTorch's ReduceLROnPlateau (schedulers/) from fit() with a
// monitored value at on_epoch_end; `plateau train --schedule '{"name":"ReduceLROnPlateau",…}'` uses it.

#include <memory>

#include <nlohmann/json.hpp>

#include "plateau/callbacks/callback.h"
#include "plateau/schedulers/reduce_lr_on_plateau.h"

namespace plateau::callbacks {

// Usage:
//   callbacks.add(std::make_unique<callbacks::PlateauScheduleCallback>(nlohmann::json{
//       {"name", "ReduceLROnPlateau"}, {"factor", 0.5}, {"patience", 2}, {"monitor", "val_loss"}}));
class PlateauScheduleCallback : public Callback {
 public:
  // spec: PyTorch ReduceLROnPlateau arguments plus "monitor" (default val_loss)
  explicit PlateauScheduleCallback(const nlohmann::json& spec);
  std::string name() const override { return "torch.ReduceLROnPlateau"; }
  void on_train_begin(TrainingState& s) override;
  void on_epoch_end(TrainingState& s) override;
  nlohmann::json state_dict() const override;
  void load_state_dict(const JsonField& state) override;

 private:
  std::string monitor_;
  ReduceLROnPlateauOptions options_;
  std::unique_ptr<ReduceLROnPlateau> plateau_;
  nlohmann::json pending_state_;  // state loaded before the optimizer was known
  std::string pending_source_;
};

}  // namespace plateau::callbacks
