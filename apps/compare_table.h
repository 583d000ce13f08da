#pragma once
// CompareTable: the comparison of runs that `plateau compare` prints and `plateau report` shows —
// one row per run, a cell a JSON value (text, number, or null when a run lacks it).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/run_summary.h"

namespace plateau::apps {

struct CompareTable {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  size_t best = 0;  // the row marked best
};

CompareTable build_compare_table(const std::vector<RunSummary>& runs);
// table, markdown, csv (cells as text) or json (numbers as numbers).
std::string render_compare_table(const CompareTable& table, const std::string& format);
std::string cell_text(const nlohmann::json& cell);  // "-" for null, 4 decimals for a fraction
// val_accuracy, val_loss and lr of every run overlaid, into DIR/compare_<column>.svg.
void write_overlay_charts(const std::vector<RunSummary>& runs, const std::string& dir);

}  // namespace plateau::apps
