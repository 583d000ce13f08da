#include "callbacks/history.h"

#include "callbacks/state_json.h"

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

void History::load_state_dict(const nlohmann::json& j) {
  epochs = j.at("epochs").get<std::vector<int64_t>>();
  logs.clear();
  history.clear();
  for (const auto& row : j.at("logs")) {
    Logs l;
    for (const auto& [k, v] : row.items()) l[k] = double_from_json(v);
    for (const auto& [k, v] : l) history[k].push_back(v);
    logs.push_back(l);
  }
}

}  // namespace plateau::callbacks
