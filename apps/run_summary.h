#pragma once
// RunSummary: what a run directory says about its run (run.json, metrics.csv, results.json), for
// plots, `plateau compare` and `plateau report`.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace plateau::apps {

struct RunSummary {
  std::string dir, name;                     // name: the directory's last component
  nlohmann::json config;                     // run.json "config"
  std::map<std::string, std::vector<double>> metrics;  // column -> one value per epoch (NaN when absent)
  std::vector<double> epochs;
  nlohmann::json results;                    // results.json, or null while unfinished

  bool finished() const { return !results.is_null(); }
  std::optional<double> best(const std::string& column, bool maximize, int64_t* epoch = nullptr) const;
  std::optional<double> last(const std::string& column) const;
  int64_t lr_changes() const;                // from results.json, else counted in the lr column
  double wall_seconds() const;               // from results.json, else the sum of epoch seconds
};

bool is_run_dir(const std::string& dir);     // has run.json
RunSummary read_run(const std::string& dir);
// Run directories named on the command line; a sweep directory stands for the runs inside it.
std::vector<std::string> expand_run_dirs(const std::vector<std::string>& dirs);

// SVG charts of one run: loss.svg, accuracy.svg and lr.svg (lr changes marked) in the run directory.
void write_run_charts(const RunSummary& run);

}  // namespace plateau::apps
