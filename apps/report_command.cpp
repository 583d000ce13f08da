// plateau report DIR [--out FILE]: one self-contained HTML page (no network needed) with the
// comparison table and every chart inline, for a run directory or a sweep directory.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "apps/commands.h"
#include "apps/run_summary.h"
#include "apps/svg_chart.h"
#include "core/error.h"
#include "core/io/atomic_file.h"

namespace plateau::apps {

std::string compare_table(const std::vector<RunSummary>& runs, const std::string& format);
void write_overlay_charts(const std::vector<RunSummary>& runs, const std::string& dir);

namespace {

std::string inline_svg(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return "";
  return "<figure>" + io::read_file(file.string()) + "</figure>\n";
}

}  // namespace

void add_report_command(CLI::App& app) {
  struct Options {
    std::string dir, out;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("report", "Write a self-contained HTML report of a run or a sweep");
  cmd->add_option("dir", o->dir, "run directory or sweep directory")->required();
  cmd->add_option("--out", o->out, "the HTML file (default DIR/report.html)");
  cmd->callback([o] {
    const std::vector<std::string> dirs = expand_run_dirs({o->dir});
    std::vector<RunSummary> runs;
    for (const auto& d : dirs) runs.push_back(read_run(d));
    for (const auto& r : runs) write_run_charts(r);
    const bool sweep = !is_run_dir(o->dir);
    if (sweep) write_overlay_charts(runs, o->dir);
    const nlohmann::json rows = nlohmann::json::parse(compare_table(runs, "json"));
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>plateau report: " + xml_escape(o->dir) +
                       "</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1800px}"
                       "table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;"
                       "text-align:right;font-size:13px}th{background:#f3f3f3}td:first-child{text-align:left}"
                       "tr.best{background:#e8f4e8;font-weight:bold}figure{display:inline-block;margin:6px}"
                       "figure svg{width:560px;height:auto}</style></head><body>\n";
    html += "<h1>plateau report: " + xml_escape(o->dir) + "</h1>\n<table><tr>";
    // The comparison's own column order: run, the differing config keys, then the results.
    const std::string csv = compare_table(runs, "csv");
    std::vector<std::string> columns;
    std::stringstream header(csv.substr(0, csv.find('\n')));
    for (std::string c; std::getline(header, c, ',');)
      if (c != "best") columns.push_back(c);
    for (const auto& c : columns) html += "<th>" + xml_escape(c) + "</th>";
    html += "</tr>\n";
    for (const auto& row : rows) {
      html += row["best"].get<bool>() ? "<tr class=\"best\">" : "<tr>";
      for (const auto& c : columns) html += "<td>" + xml_escape(row[c].get<std::string>()) + "</td>";
      html += "</tr>\n";
    }
    html += "</table><p>Highlighted: the best run (highest test accuracy, else best val_accuracy).</p>\n";
    if (sweep) {
      html += "<h2>All runs</h2>\n";
      for (const char* c : {"val_accuracy", "val_loss", "lr"})
        html += inline_svg(std::filesystem::path(o->dir) / (std::string("compare_") + c + ".svg"));
    }
    for (const auto& r : runs) {
      html += "<h2>" + xml_escape(r.name) + "</h2>\n";
      for (const char* f : {"loss.svg", "accuracy.svg", "lr.svg"}) html += inline_svg(std::filesystem::path(r.dir) / f);
    }
    html += "</body></html>\n";
    const std::string out = o->out.empty() ? (std::filesystem::path(o->dir) / "report.html").string() : o->out;
    io::write_file_atomically(out, html);
    std::printf("Report: %s\n", out.c_str());
  });
}

}  // namespace plateau::apps
