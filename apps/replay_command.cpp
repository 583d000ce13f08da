// plateau replay --callbacks '<json list>' (--log metrics.csv | --metrics 'val_loss=1.0,0.9;val_accuracy=…')
//                [--lr LR] [--json]
// What would these callbacks have done on a past run? The same callback objects fit() uses get the
// same hooks with the logged metrics instead of training. EarlyStopping and ModelCheckpoint act on a
// stand-in model whose single weight holds the epoch number, so the restored weights name their epoch;
// ModelCheckpoint decides but writes nothing.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "apps/commands.h"
#include "apps/run_summary.h"
#include "plateau/callbacks/callback_list.h"
#include "plateau/callbacks/replay.h"
#include "plateau/callbacks/callback_spec.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/parse_number.h"

namespace plateau::apps {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

double parse_number(const std::string& text, const std::string& where) {
  if (text == "NA" || text.empty()) return std::nan("");
  return parse_double(text, where);
}

// One Logs per epoch; NaN marks a value an epoch did not log.
std::vector<Logs> logs_from_metrics(const std::string& text) {
  std::vector<Logs> epochs;
  for (const std::string& item : split(text, ';')) {
    const size_t eq = item.find('=');
    PLATEAU_CHECK(eq != std::string::npos && eq > 0, "--metrics: expected key=v0,v1,… separated by ';', got '", item,
                  "'");
    const std::string key = item.substr(0, eq);
    const std::vector<std::string> values = split(item.substr(eq + 1), ',');
    if (epochs.size() < values.size()) epochs.resize(values.size());
    for (size_t e = 0; e < values.size(); ++e) {
      const double v = parse_number(values[e], "--metrics " + key);
      if (!std::isnan(v)) epochs[e][key] = v;
    }
  }
  PLATEAU_CHECK(!epochs.empty(), "--metrics holds no values");
  return epochs;
}

// A CSV log (metrics.csv or a CSVLogger file): one Logs per row, without the columns that are not metrics.
std::vector<Logs> logs_from_csv(const std::string& text, const std::string& path) {
  const std::string where = "--log '" + printable(path, 200) + "'";
  PLATEAU_CHECK(!text.empty(), where, " is empty");
  const MetricsTable t = parse_metrics_csv(text, where);
  std::vector<Logs> epochs;
  for (const auto& row : t.rows) {
    Logs logs;
    for (size_t i = 0; i < t.header.size(); ++i) {
      const std::string& key = t.header[i];
      if (key == "epoch" || key == "seconds" || key == "lr" || key == "learning_rate" || std::isnan(row[i])) continue;
      logs[key] = row[i];
    }
    epochs.push_back(logs);
  }
  PLATEAU_CHECK(!epochs.empty(), where, " has no rows");
  return epochs;
}

}  // namespace

void run_replay_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  PLATEAU_CHECK(o.log.empty() || o.metrics.empty(), "replay: give --log FILE or --metrics 'key=v0,v1,…', not both");
  PLATEAU_CHECK(!o.log.empty() || !o.metrics.empty(), "replay needs --log FILE or --metrics 'key=v0,v1,…'");
  const std::vector<Logs> epochs =
      o.log.empty() ? logs_from_metrics(o.metrics) : logs_from_csv(io::read_file(o.log, 64 << 20), o.log);

  CallbackList callbacks(make_callbacks(o.callbacks, "", /*dry_run=*/true));  // a replay writes nothing
  const ReplayResult r = replay(callbacks, epochs, o.initial_lr);
  const auto& stopped = r.stopped_epoch;
  const auto& restored = r.restored_epoch;
  if (o.json) {  // epochs 0-based, as Keras' callbacks count them
    nlohmann::json rows = nlohmann::json::array();
    for (const ReplayEpoch& e : r.epochs)
      rows.push_back({{"epoch", e.epoch}, {"lr", e.lr}, {"checkpoint", e.checkpoint}, {"stop", e.stop}});
    nlohmann::json out{{"epochs", rows},
                       {"stopped_epoch", stopped ? nlohmann::json(*stopped) : nlohmann::json(nullptr)},
                       {"restored_epoch", restored ? nlohmann::json(*restored) : nlohmann::json(nullptr)}};
    std::printf("%s\n", out.dump().c_str());
    return;
  }
  // For people, epochs 1-based, as the progress bar and the LR log count them.
  std::printf("epoch  %-12s  %-10s  %s\n", "lr", "checkpoint", "stop");
  for (const ReplayEpoch& e : r.epochs)
    std::printf("%5lld  %-12.6g  %-10s  %s\n", static_cast<long long>(e.epoch + 1), e.lr, e.checkpoint ? "saved" : "-",
                e.stop ? "stop" : "");
  for (const auto& line : r.messages) std::printf("%s\n", line.c_str());
  std::printf("stopped after epoch: %s; weights restored from epoch: %s\n",
              stopped ? std::to_string(*stopped + 1).c_str() : "none (ran every epoch)",
              restored ? std::to_string(*restored + 1).c_str() : "none");
}

}  // namespace plateau::apps
