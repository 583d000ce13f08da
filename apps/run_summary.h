#pragma once
// RunSummary: what a run directory says about its run (run.json, metrics.csv, results.json), for
// plots, `plateau compare` and `plateau report`. These files come from outside as far as a reader is
// concerned (edited, truncated, another program's): every field is checked as it is parsed, and a bad
// one is an Error naming the file and the field.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/svg_chart.h"
#include "plateau/callbacks/training_state.h"

namespace plateau::apps {

// A metrics CSV (metrics.csv, a CSVLogger file): the header (no column twice), and one row of numbers
// per line with NaN where a cell is empty or "NA"; a row may be shorter than the header, never longer.
struct MetricsTable {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};
MetricsTable parse_metrics_csv(const std::string& text, const std::string& source);

struct RunSummary {
  std::string dir, name;                               // name: the directory's last component
  nlohmann::json config = nlohmann::json::object();    // run.json "config"
  std::map<std::string, std::vector<double>> metrics;  // column -> one value per epoch (NaN when absent)
  std::vector<double> epochs;                          // metrics.csv's epoch column: 0-based, as Keras logs it
  bool finished = false;                               // results.json is there
  std::optional<double> test_accuracy, wall;           // from results.json
  std::vector<LrChange> changes;                       // results.json's lr_changes

  std::optional<double> best(const std::string& column, bool maximize, int64_t* epoch = nullptr) const;
  std::optional<double> last(const std::string& column) const;
  int64_t lr_changes() const;  // from results.json, else counted in the lr column
  double wall_seconds() const;  // from results.json, else the sum of epoch seconds
  // A column as a chart series over epochs counted from 1 (what people read), finite values only.
  ChartSeries series(const std::string& column, const std::string& label) const;
};

bool is_run_dir(const std::string& dir);  // has run.json
RunSummary read_run(const std::string& dir);
// The same from the files' texts ("" for a file that is absent): what read_run checks, without the disk.
RunSummary parse_run(const std::string& dir, const std::string& run_json, const std::string& metrics_csv,
                     const std::string& results_json);
// Run directories named on the command line; a sweep directory stands for the runs inside it.
std::vector<std::string> expand_run_dirs(const std::vector<std::string>& dirs);

// The SVG charts of one run: loss.svg, accuracy.svg and lr.svg (lr changes marked), as (file, text);
// write_run_charts writes them into the run directory.
std::vector<std::pair<std::string, std::string>> run_charts(const RunSummary& run);
void write_run_charts(const RunSummary& run);

}  // namespace plateau::apps
