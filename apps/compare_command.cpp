// plateau compare DIR… [--format table|csv|markdown|json] [--charts DIR]
// One row per run (a sweep directory stands for its runs): best val_loss, best val_accuracy and its
// epoch, final val_accuracy, test accuracy, epochs run, lr changes, wall time, plus only the config
// keys whose values differ between the runs. The best row (highest test accuracy, else best
// val_accuracy) is marked. Overlay charts of val_accuracy, val_loss and lr go to --charts.
// Epochs are counted from 1, as the progress bar shows them.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "apps/commands.h"
#include "apps/compare_table.h"
#include "apps/run_summary.h"
#include "apps/svg_chart.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"

namespace plateau::apps {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// {"a":{"b":1}} -> {"a.b": "1"}; lists and scalars are kept as their JSON text.
void flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  auto text_of = [](const json& v) { return v.is_string() ? v.get<std::string>() : json_for_message(v, 200); };
  bool specs = j.is_array() && !j.empty();  // a list of {"name": …} specs reads better as "Name(k=v …)"
  for (const auto& e : j) specs = specs && e.is_object() && e.contains("name");
  if (specs) {
    std::vector<std::string> parts;
    for (const auto& e : j) {
      std::string text = text_of(e["name"]) + "(";
      bool first = true;
      for (const auto& [k, v] : e.items()) {
        if (k == "name") continue;
        if (!first) text += ' ';
        text += k;
        text += '=';
        text += text_of(v);
        first = false;
      }
      parts.push_back(text + ")");
    }
    out[prefix] = join(parts, "; ");
    return;
  }
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out[prefix] = text_of(j);
  }
}

json number_or_null(std::optional<double> v) { return v && std::isfinite(*v) ? json(*v) : json(nullptr); }

}  // namespace

CompareTable build_compare_table(const std::vector<RunSummary>& runs) {
  std::vector<std::map<std::string, std::string>> configs;
  std::set<std::string> keys;
  for (const auto& r : runs) {
    std::map<std::string, std::string> flat;
    json config = r.config;
    for (const char* ignored : {"run_dir", "verbose", "threads"}) config.erase(ignored);
    flatten(config, "", flat);
    for (const auto& [k, v] : flat) keys.insert(k);
    configs.push_back(flat);
  }
  std::vector<std::string> differing;
  for (const auto& k : keys) {
    std::set<std::string> values;
    for (const auto& c : configs) values.insert(c.count(k) ? c.at(k) : "");
    if (values.size() > 1) differing.push_back(k);
  }
  CompareTable t;
  t.columns = {"run"};
  t.columns.insert(t.columns.end(), differing.begin(), differing.end());
  for (const char* c : {"best_val_loss", "best_val_acc", "best_epoch", "final_val_acc", "test_acc", "epochs",
                        "finished", "lr_changes", "wall_s"})
    t.columns.push_back(c);
  double best_score = -1;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSummary& r = runs[i];
    int64_t best_epoch = -1;
    const auto best_acc = r.best("val_accuracy", true, &best_epoch);
    const std::optional<double> test = r.test_accuracy;
    std::vector<json> row{json(r.name)};
    for (const auto& k : differing) row.push_back(configs[i].count(k) ? configs[i].at(k) : "");
    row.push_back(number_or_null(r.best("val_loss", false)));
    row.push_back(number_or_null(best_acc));
    row.push_back(best_epoch >= 0 ? json(best_epoch + 1) : json(nullptr));
    row.push_back(number_or_null(r.last("val_accuracy")));
    row.push_back(number_or_null(test));
    row.push_back(static_cast<int64_t>(r.epochs.size()));
    row.push_back(r.finished);
    row.push_back(r.lr_changes());
    row.push_back(std::round(r.wall_seconds() * 10) / 10);
    const double score = test.value_or(best_acc.value_or(-1));
    if (score > best_score) best_score = score, t.best = i;
    t.rows.push_back(row);
  }
  return t;
}

std::string cell_text(const json& cell) {
  if (cell.is_null()) return "-";
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_boolean()) return cell.get<bool>() ? "yes" : "no";
  if (cell.is_number_integer()) return cell.dump();
  const double v = cell.get<double>();
  char buf[32];  // a metric with 4 decimals; seconds (rounded to tenths, at least 1) with one
  std::snprintf(buf, sizeof buf, std::abs(v) >= 1 && std::round(v * 10) == v * 10 ? "%.1f" : "%.4f", v);
  return buf;
}

std::string render_compare_table(const CompareTable& t, const std::string& format) {
  if (format == "json") {  // numbers as numbers, a missing value as null
    json rows = json::array();
    for (size_t i = 0; i < t.rows.size(); ++i) {
      json row = json::object();
      for (size_t c = 0; c < t.columns.size(); ++c) row[t.columns[c]] = t.rows[i][c];
      row["best"] = i == t.best;
      rows.push_back(row);
    }
    return rows.dump(2) + "\n";
  }
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : t.rows) {
    std::vector<std::string> text;
    for (const json& cell : row) {
      std::string s = cell_text(cell);
      // Readable cells: a long config value (a callbacks list) is cut; the full text is in csv and json.
      if (format != "csv" && s.size() > 100) s = s.substr(0, 97) + "...";
      text.push_back(s);
    }
    cells.push_back(text);
  }
  if (format == "csv") {
    std::string out = join(t.columns, ",") + ",best\n";
    for (size_t i = 0; i < cells.size(); ++i) out += join(cells[i], ",") + (i == t.best ? ",*\n" : ",\n");
    return out;
  }
  const bool md = format == "markdown";
  std::string out, line;
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    width[c] = t.columns[c].size();
    for (const auto& r : cells) width[c] = std::max(width[c], r[c].size() + (c == 0 ? 2 : 0));
  }
  auto pad = [&](const std::string& s, size_t c) { return s + std::string(width[c] - std::min(width[c], s.size()), ' '); };
  line = md ? "|" : "";
  for (size_t c = 0; c < t.columns.size(); ++c) line += (md ? " " : "") + pad(t.columns[c], c) + (md ? " |" : "  ");
  out += line + "\n";
  line = md ? "|" : "";
  for (size_t c = 0; c < t.columns.size(); ++c)
    line += md ? " " + std::string(width[c], '-') + " |" : std::string(width[c], '-') + "  ";
  out += line + "\n";
  for (size_t i = 0; i < cells.size(); ++i) {
    line = md ? "|" : "";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string text = c == 0 ? (i == t.best ? "* " : "  ") + cells[i][c] : cells[i][c];
      if (md) line += ' ';
      line += pad(text, c);
      line += md ? " |" : "  ";
    }
    out += line + "\n";
  }
  out += "* best run (highest test accuracy, else best val_accuracy); best_epoch counts from 1\n";
  return out;
}

void write_overlay_charts(const std::vector<RunSummary>& runs, const std::string& dir) {
  io::create_directories(dir);
  for (const auto& [column, label, log_y] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"val_accuracy", "validation accuracy", false}, {"val_loss", "validation loss", false},
           {"lr", "learning rate", true}}) {
    std::vector<ChartSeries> series;
    for (const auto& r : runs) {
      ChartSeries s = r.series(column, r.name);
      if (!s.x.empty()) series.push_back(s);
    }
    if (series.empty()) continue;
    ChartOptions o;
    o.title = label + " per epoch";
    o.x_label = "epoch";
    o.y_label = label;
    o.log_y = log_y;
    o.integer_x = true;
    o.steps = column == "lr";  // constant within an epoch
    io::write_file_atomically((fs::path(dir) / ("compare_" + column + ".svg")).string(), render_svg_chart(series, o));
  }
}

void run_compare_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  std::vector<RunSummary> runs;
  for (const auto& d : expand_run_dirs(o.dirs)) runs.push_back(read_run(d));
  std::fputs(render_compare_table(build_compare_table(runs), o.format).c_str(), stdout);
  std::string charts = o.charts;
  if (charts.empty() && !is_run_dir(o.dirs[0])) charts = o.dirs[0];
  if (!charts.empty()) write_overlay_charts(runs, charts);
}

}  // namespace plateau::apps
