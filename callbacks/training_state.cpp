#include "plateau/callbacks/training_state.h"

#include <algorithm>
#include <limits>

#include "plateau/core/error.h"

namespace plateau {

nlohmann::json lr_changes_to_json(const std::vector<LrChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const LrChange& ch : changes)
    out.push_back({{"epoch", ch.epoch}, {"source", ch.source}, {"old_lr", ch.old_lr}, {"new_lr", ch.new_lr},
                   {"reason", ch.reason}});
  return out;
}

std::vector<LrChange> lr_changes_from_json(const JsonField& list) {
  std::vector<LrChange> out;
  for (const JsonField& ch : list.elements())
    out.push_back({ch.at("epoch").integer(0, std::numeric_limits<int64_t>::max()), ch.at("source").text(),
                   ch.at("old_lr").number(), ch.at("new_lr").number(), ch.at("reason").text()});
  return out;
}

double TrainingState::lr() const {
  PLATEAU_CHECK(optimizer != nullptr, "training state has no optimizer");
  return optimizer->param_groups()[0].lr;
}

void TrainingState::set_lr(double lr, const std::string& source, const std::string& reason) {
  set_group_lrs(std::vector<double>(optimizer->param_groups().size(), lr), source, reason);
}

void TrainingState::set_group_lrs(const std::vector<double>& lrs, const std::string& source,
                                  const std::string& reason, bool per_batch) {
  auto& groups = optimizer->param_groups();
  PLATEAU_CHECK(lrs.size() == groups.size(), source, ": ", lrs.size(), " learning rates for ", groups.size(),
                " parameter groups");
  const double old_lr = lr();
  for (size_t g = 0; g < groups.size(); ++g) groups[g].lr = lrs[g];
  const double new_lr = lr();
  if (per_batch && !lr_changes.empty() && lr_changes.back().source == source && lr_changes.back().epoch == epoch) {
    LrChange& merged = lr_changes.back();  // this epoch's record: the lr it started from, and where it is now
    merged.new_lr = new_lr;
    merged.reason = reason;
    if (merged.new_lr == merged.old_lr) lr_changes.pop_back();
    return;
  }
  if (old_lr != new_lr) lr_changes.push_back({epoch, source, old_lr, new_lr, reason});
}

bool TrainingState::has_key(const std::string& key) const {
  return std::find(epoch_keys.begin(), epoch_keys.end(), key) != epoch_keys.end() ||
         std::find(occasional_keys.begin(), occasional_keys.end(), key) != occasional_keys.end();
}

std::string TrainingState::known_keys() const {
  std::vector<std::string> all = epoch_keys;
  all.insert(all.end(), occasional_keys.begin(), occasional_keys.end());
  std::sort(all.begin(), all.end());
  return join(all);
}

}  // namespace plateau
