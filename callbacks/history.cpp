#include "plateau/callbacks/history.h"

#include <limits>

#include "plateau/callbacks/state_json.h"
#include "plateau/core/error.h"

namespace plateau::callbacks {

nlohmann::json History::logs_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const Logs& l : logs) {
    nlohmann::json row = nlohmann::json::object();
    for (const auto& [k, v] : l) row[k] = double_to_json(v);
    out.push_back(row);
  }
  return out;
}

void History::load_state_dict(const JsonField& j) {
  std::vector<int64_t> read_epochs = j.at("epochs").integers(0, std::numeric_limits<int64_t>::max());
  std::vector<Logs> read_logs;
  for (const JsonField& row : j.at("logs").elements()) {
    Logs l;
    for (const auto& [k, v] : row.items()) l[k] = v.number_or_nonfinite();
    read_logs.push_back(l);
  }
  PLATEAU_CHECK(read_logs.size() == read_epochs.size(), j.source(), ": ", j.path(), " has ", read_epochs.size(),
                " epochs and ", read_logs.size(), " rows of logs");
  epochs = std::move(read_epochs);
  logs = std::move(read_logs);
  history.clear();
  for (const Logs& l : logs)
    for (const auto& [k, v] : l) history[k].push_back(v);
}

}  // namespace plateau::callbacks
