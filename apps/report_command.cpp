// plateau report DIR [--out FILE]: one self-contained HTML page (no network needed) with the
// comparison table and every chart inline, for a run directory or a sweep directory.
#include <cstdio>
#include <filesystem>

#include "apps/commands.h"
#include "apps/compare_table.h"
#include "apps/run_summary.h"
#include "apps/svg_chart.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau::apps {

namespace {

std::string inline_svg(const std::filesystem::path& file) {
  if (!io::exists(file.string())) return "";
  return "<figure>" + io::read_file(file.string(), 64 << 20) + "</figure>\n";
}

}  // namespace

void run_report_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  PLATEAU_CHECK(o.dirs.size() == 1, "report takes one run or sweep directory, got ", o.dirs.size());
  const std::string& dir = o.dirs.front();
  std::vector<RunSummary> runs;
  for (const auto& d : expand_run_dirs({dir})) runs.push_back(read_run(d));
  for (const auto& r : runs) write_run_charts(r);
  const bool sweep = !is_run_dir(dir);
  if (sweep) write_overlay_charts(runs, dir);
  const CompareTable table = build_compare_table(runs);
  std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>plateau report: " + xml_escape(dir) +
                     "</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1800px}"
                     "table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;"
                     "text-align:right;font-size:13px}th{background:#f3f3f3}td:first-child{text-align:left}"
                     "tr.best{background:#e8f4e8;font-weight:bold}figure{display:inline-block;margin:6px}"
                     "figure svg{width:560px;height:auto}</style></head><body>\n";
  html += "<h1>plateau report: " + xml_escape(dir) + "</h1>\n<table><tr>";
  for (const auto& c : table.columns) html += "<th>" + xml_escape(c) + "</th>";
  html += "</tr>\n";
  for (size_t i = 0; i < table.rows.size(); ++i) {
    html += i == table.best ? "<tr class=\"best\">" : "<tr>";
    for (const auto& cell : table.rows[i]) html += "<td>" + xml_escape(cell_text(cell)) + "</td>";
    html += "</tr>\n";
  }
  html += "</table><p>Highlighted: the best run (highest test accuracy, else best val_accuracy). Epochs count "
          "from 1.</p>\n";
  if (sweep) {
    html += "<h2>All runs</h2>\n";
    for (const char* c : {"val_accuracy", "val_loss", "lr"})
      html += inline_svg(std::filesystem::path(dir) / (std::string("compare_") + c + ".svg"));
  }
  for (const auto& r : runs) {
    html += "<h2>" + xml_escape(r.name) + "</h2>\n";
    for (const char* f : {"loss.svg", "accuracy.svg", "lr.svg"}) html += inline_svg(std::filesystem::path(r.dir) / f);
  }
  html += "</body></html>\n";
  const std::string out = o.out.empty() ? (std::filesystem::path(dir) / "report.html").string() : o.out;
  io::write_file_atomically(out, html);
  std::printf("Report: %s\n", out.c_str());
}

}  // namespace plateau::apps
