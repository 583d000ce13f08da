// plateau compare DIR… [--format table|csv|markdown|json] [--charts DIR]
// One row per run (a sweep directory stands for its runs): best val_loss, best val_accuracy and its
// epoch, final val_accuracy, test accuracy, epochs run, lr changes, wall time, plus only the config
// keys whose values differ between the runs. The best row (highest test accuracy, else best
// val_accuracy) is marked. Overlay charts of val_accuracy, val_loss and lr go to --charts.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "apps/commands.h"
#include "apps/run_summary.h"
#include "apps/svg_chart.h"
#include "core/error.h"
#include "core/io/atomic_file.h"

namespace plateau::apps {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// {"a":{"b":1}} -> {"a.b": "1"}; lists and scalars are kept as their JSON text.
void flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  bool specs = j.is_array() && !j.empty();  // a list of {"name": …} specs reads better as "Name(k=v …)"
  for (const auto& e : j) specs = specs && e.is_object() && e.contains("name");
  if (specs) {
    std::vector<std::string> parts;
    for (const auto& e : j) {
      std::string text = e["name"].get<std::string>() + "(";
      bool first = true;
      for (const auto& [k, v] : e.items()) {
        if (k == "name") continue;
        if (!first) text += ' ';
        text += k;
        text += '=';
        text += v.is_string() ? v.get<std::string>() : v.dump();
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
    out[prefix] = j.is_string() ? j.get<std::string>() : j.dump();
  }
}

std::string fixed(std::optional<double> v, int digits = 4) {
  if (!v || std::isnan(*v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
  return buf;
}

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  size_t best = 0;
};

Table build_table(const std::vector<RunSummary>& runs) {
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
  Table t;
  t.columns = {"run"};
  t.columns.insert(t.columns.end(), differing.begin(), differing.end());
  for (const char* c : {"best_val_loss", "best_val_acc", "best_epoch", "final_val_acc", "test_acc", "epochs",
                        "lr_changes", "wall_s"})
    t.columns.push_back(c);
  double best_score = -1;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSummary& r = runs[i];
    int64_t best_epoch = -1;
    const auto best_acc = r.best("val_accuracy", true, &best_epoch);
    std::optional<double> test;
    if (r.finished()) test = r.results["test_accuracy"].get<double>();
    std::vector<std::string> row{r.name};
    for (const auto& k : differing) row.push_back(configs[i].count(k) ? configs[i].at(k) : "");
    char wall[32];
    std::snprintf(wall, sizeof wall, "%.1f", r.wall_seconds());
    row.insert(row.end(), {fixed(r.best("val_loss", false)), fixed(best_acc),
                           best_epoch >= 0 ? std::to_string(best_epoch + 1) : "-", fixed(r.last("val_accuracy")),
                           fixed(test), std::to_string(r.epochs.size()) + (r.finished() ? "" : " (unfinished)"),
                           std::to_string(r.lr_changes()), wall});
    const double score = test.value_or(best_acc.value_or(-1));
    if (score > best_score) best_score = score, t.best = i;
    t.rows.push_back(row);
  }
  return t;
}

std::string render_text(const Table& t, bool md);

std::string render(const Table& t, const std::string& format) {
  std::string out;
  if (format == "json") {
    json rows = json::array();
    for (size_t i = 0; i < t.rows.size(); ++i) {
      json row;
      for (size_t c = 0; c < t.columns.size(); ++c) row[t.columns[c]] = t.rows[i][c];
      row["best"] = i == t.best;
      rows.push_back(row);
    }
    return rows.dump(2) + "\n";
  }
  const bool md = format == "markdown";
  if (format == "csv") {
    out = join(t.columns, ",") + ",best\n";
    for (size_t i = 0; i < t.rows.size(); ++i) out += join(t.rows[i], ",") + (i == t.best ? ",*\n" : ",\n");
    return out;
  }
  // Readable cells: a long config value (a callbacks list) is cut, the full text is in --format json/csv.
  Table shown = t;
  for (auto& row : shown.rows)
    for (auto& cell : row)
      if (cell.size() > 100) {
        cell.resize(97);
        cell += "...";
      }
  return render_text(shown, md);
}

std::string render_text(const Table& t, bool md) {
  std::string out, line;
  std::vector<size_t> width(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    width[c] = t.columns[c].size();
    for (const auto& r : t.rows) width[c] = std::max(width[c], r[c].size() + (c == 0 ? 2 : 0));
  }
  auto cell = [&](const std::string& s, size_t c) { return s + std::string(width[c] - std::min(width[c], s.size()), ' '); };
  line = md ? "|" : "";
  for (size_t c = 0; c < t.columns.size(); ++c) line += (md ? " " : "") + cell(t.columns[c], c) + (md ? " |" : "  ");
  out += line + "\n";
  line = md ? "|" : "";
  for (size_t c = 0; c < t.columns.size(); ++c) line += md ? " " + std::string(width[c], '-') + " |" : std::string(width[c], '-') + "  ";
  out += line + "\n";
  for (size_t i = 0; i < t.rows.size(); ++i) {
    line = md ? "|" : "";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string text = c == 0 ? (i == t.best ? "* " : "  ") + t.rows[i][c] : t.rows[i][c];
      if (md) line += ' ';
      line += cell(text, c);
      line += md ? " |" : "  ";
    }
    out += line + "\n";
  }
  out += "* best run (highest test accuracy, else best val_accuracy)\n";
  return out;
}

}  // namespace

void write_overlay_charts(const std::vector<RunSummary>& runs, const std::string& dir) {
  fs::create_directories(dir);
  for (const auto& [column, label, log_y] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"val_accuracy", "validation accuracy", false}, {"val_loss", "validation loss", false},
           {"lr", "learning rate", true}}) {
    std::vector<ChartSeries> series;
    for (const auto& r : runs) {
      auto it = r.metrics.find(column);
      if (it == r.metrics.end()) continue;
      ChartSeries s{r.name, {}, {}};
      for (size_t i = 0; i < it->second.size(); ++i)
        if (!std::isnan(it->second[i])) s.x.push_back(r.epochs[i] + 1), s.y.push_back(it->second[i]);
      if (!s.x.empty()) series.push_back(s);
    }
    if (series.empty()) continue;
    ChartOptions o;
    o.title = label + " per epoch";
    o.x_label = "epoch";
    o.y_label = label;
    o.log_y = log_y;
    o.steps = column == "lr";  // constant within an epoch
    io::write_file_atomically((fs::path(dir) / ("compare_" + column + ".svg")).string(), render_svg_chart(series, o));
  }
}

std::string compare_table(const std::vector<RunSummary>& runs, const std::string& format) {
  return render(build_table(runs), format);
}

void add_compare_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> dirs;
    std::string format = "table", charts;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("compare", "Compare runs (or a sweep): one table, overlay charts");
  cmd->add_option("dirs", o->dirs, "run directories or sweep directories")->required();
  cmd->add_option("--format", o->format, "table (default), csv, markdown or json")
      ->check(CLI::IsMember({"table", "csv", "markdown", "json"}));
  cmd->add_option("--charts", o->charts, "write overlay SVG charts here (default: the first sweep directory)");
  cmd->callback([o] {
    std::vector<RunSummary> runs;
    for (const auto& d : expand_run_dirs(o->dirs)) runs.push_back(read_run(d));
    std::fputs(compare_table(runs, o->format).c_str(), stdout);
    std::string charts = o->charts;
    if (charts.empty() && !is_run_dir(o->dirs[0])) charts = o->dirs[0];
    if (!charts.empty()) write_overlay_charts(runs, charts);
  });
}

}  // namespace plateau::apps
