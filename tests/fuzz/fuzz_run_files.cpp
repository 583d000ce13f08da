// The run files that `plateau compare`, `report`, `replay --log` and `train --resume` read from a run
// directory: run.json, metrics.csv and results.json, given as one input split at NUL bytes. They are
// parsed as read_run parses them, charted, compared and rendered in every format; the metrics also
// go through replay's reader and the config through --resume's. Any bytes give those outputs or a
// plateau::Error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "apps/compare_table.h"
#include "apps/options.h"
#include "apps/run_summary.h"
#include "plateau/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t at = 0;
  for (int i = 0; i < 2; ++i) {
    const size_t nul = input.find('\0', at);
    if (nul == std::string::npos) break;
    parts.push_back(input.substr(at, nul - at));
    at = nul + 1;
  }
  parts.push_back(input.substr(at));
  parts.resize(3);
  using namespace plateau::apps;
  try {
    const RunSummary run = parse_run("runs/fuzz", parts[0], parts[1], parts[2]);
    for (const auto& [file, svg] : run_charts(run)) (void)svg.size();
    const CompareTable table = build_compare_table({run, run});
    for (const char* format : {"table", "markdown", "csv", "json"}) (void)render_compare_table(table, format).size();
    Options o;
    o.apply_json(run.config, "run.json config");
  } catch (const plateau::Error&) {
  }
  try {
    (void)parse_metrics_csv(parts[1], "metrics.csv");
  } catch (const plateau::Error&) {
  }
  return 0;
}
