#include "apps/run_summary.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "apps/svg_chart.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/parse_number.h"

namespace plateau::apps {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxRunFileBytes = 64 << 20;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, sep)) out.push_back(field);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::string read_if_present(const fs::path& file) {
  std::error_code ec;
  return fs::exists(file, ec) ? io::read_file(file.string(), kMaxRunFileBytes) : std::string();
}

}  // namespace

MetricsTable parse_metrics_csv(const std::string& text, const std::string& source) {
  MetricsTable t;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return t;
  t.header = split(line, ',');
  for (size_t i = 0; i < t.header.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      PLATEAU_CHECK(t.header[i] != t.header[j], source, " has the column '", printable(t.header[i]), "' twice");
  int64_t row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty()) continue;
    const std::vector<std::string> fields = split(line, ',');
    PLATEAU_CHECK(fields.size() <= t.header.size(), source, " row ", row, " has ", fields.size(),
                  " fields, the header has ", t.header.size());
    std::vector<double> values(t.header.size(), std::nan(""));
    for (size_t i = 0; i < fields.size(); ++i)
      if (!fields[i].empty() && fields[i] != "NA")
        values[i] = parse_double(fields[i], cat(source, " row ", row, " column ", printable(t.header[i])));
    t.rows.push_back(std::move(values));
  }
  return t;
}

bool is_run_dir(const std::string& dir) { return io::is_regular_file((fs::path(dir) / "run.json").string()); }

RunSummary read_run(const std::string& dir) {
  PLATEAU_CHECK(is_run_dir(dir), "'", printable(dir, 200), "' is not a run directory (no run.json)");
  const fs::path d(dir);
  return parse_run(dir, io::read_file((d / "run.json").string(), kMaxRunFileBytes), read_if_present(d / "metrics.csv"),
                   read_if_present(d / "results.json"));
}

RunSummary parse_run(const std::string& dir, const std::string& run_json, const std::string& metrics_csv,
                     const std::string& results_json) {
  RunSummary r;
  r.dir = dir;
  r.name = fs::path(dir).lexically_normal().filename().string();
  if (r.name.empty() || r.name == ".") r.name = fs::path(dir).lexically_normal().parent_path().filename().string();
  const std::string where = "run directory '" + printable(dir, 200) + "'";
  const nlohmann::json run = parse_json_text(run_json, where + ": run.json");
  r.config = JsonField(run, where + ": run.json").at("config").expect_object().value();
  if (!results_json.empty()) {
    const nlohmann::json results = parse_json_text(results_json, where + ": results.json");
    const JsonField j(results, where + ": results.json");
    j.expect_object();
    r.finished = true;
    if (j.has("test_accuracy")) r.test_accuracy = j.at("test_accuracy").number();
    if (j.has("wall_seconds")) r.wall = j.at("wall_seconds").number();
    if (j.has("lr_changes")) r.changes = lr_changes_from_json(j.at("lr_changes"));
  }
  const MetricsTable t = parse_metrics_csv(metrics_csv, where + ": metrics.csv");
  for (const auto& row : t.rows)
    for (size_t i = 0; i < t.header.size(); ++i) {
      if (t.header[i] == "epoch") {
        PLATEAU_CHECK(std::isfinite(row[i]) && row[i] >= 0 && row[i] < 1e9 && row[i] == std::floor(row[i]), where,
                      ": metrics.csv has an epoch of ", row[i], ", not a count");
        r.epochs.push_back(row[i]);
      } else {
        r.metrics[t.header[i]].push_back(row[i]);
      }
    }
  if (r.epochs.size() != t.rows.size()) {  // no epoch column: count the rows
    r.epochs.clear();
    for (size_t i = 0; i < t.rows.size(); ++i) r.epochs.push_back(static_cast<double>(i));
  }
  return r;
}

std::optional<double> RunSummary::best(const std::string& column, bool maximize, int64_t* epoch) const {
  auto it = metrics.find(column);
  if (it == metrics.end()) return std::nullopt;
  std::optional<double> best;
  for (size_t i = 0; i < it->second.size(); ++i) {
    const double v = it->second[i];
    if (std::isnan(v)) continue;
    if (!best || (maximize ? v > *best : v < *best)) {
      best = v;
      if (epoch) *epoch = static_cast<int64_t>(epochs[i]);
    }
  }
  return best;
}

std::optional<double> RunSummary::last(const std::string& column) const {
  auto it = metrics.find(column);
  if (it == metrics.end()) return std::nullopt;
  for (auto v = it->second.rbegin(); v != it->second.rend(); ++v)
    if (!std::isnan(*v)) return *v;
  return std::nullopt;
}

int64_t RunSummary::lr_changes() const {
  if (finished) return static_cast<int64_t>(changes.size());
  auto it = metrics.find("lr");
  int64_t n = 0;
  if (it != metrics.end())
    for (size_t i = 1; i < it->second.size(); ++i) n += it->second[i] != it->second[i - 1];
  return n;
}

double RunSummary::wall_seconds() const {
  if (wall) return *wall;
  double s = 0;
  auto it = metrics.find("seconds");
  if (it != metrics.end())
    for (double v : it->second) s += std::isfinite(v) ? v : 0;
  return s;
}

ChartSeries RunSummary::series(const std::string& column, const std::string& label) const {
  ChartSeries s{label, {}, {}};
  auto it = metrics.find(column);
  if (it == metrics.end()) return s;
  for (size_t i = 0; i < it->second.size(); ++i) {
    if (!std::isfinite(it->second[i])) continue;
    s.x.push_back(epochs[i] + 1);
    s.y.push_back(it->second[i]);
  }
  return s;
}

std::vector<std::string> expand_run_dirs(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const auto& d : dirs) {
    if (is_run_dir(d)) {
      out.push_back(d);
      continue;
    }
    std::error_code ec;
    PLATEAU_CHECK(fs::is_directory(d, ec), "'", printable(d, 200), "' is neither a run directory nor a sweep directory");
    std::vector<std::string> inside;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.is_directory() && is_run_dir(e.path().string())) inside.push_back(e.path().string());
    PLATEAU_CHECK(!inside.empty(), "'", printable(d, 200), "' holds no run directories");
    std::sort(inside.begin(), inside.end());
    out.insert(out.end(), inside.begin(), inside.end());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> run_charts(const RunSummary& run) {
  // A marker between two epochs whose lr differs, named by the change made there: at the end of the first
  // (ReduceLROnPlateau) or at the beginning of the second (epoch schedules). The lr column holds the lr in
  // effect during each epoch. Per-batch schedules change it every epoch and are not marked.
  std::vector<ChartMarker> markers;
  const auto lr = run.metrics.find("lr");
  if (lr != run.metrics.end())
    for (size_t i = 0; i + 1 < lr->second.size(); ++i) {
      const double before = lr->second[i], after = lr->second[i + 1];
      if (std::isnan(before) || std::isnan(after) || before == after) continue;
      for (const LrChange& c : run.changes) {
        if (c.source == "OneCycleLR" || c.source == "CyclicLR") continue;
        if (c.epoch == run.epochs[i] || c.epoch == run.epochs[i + 1]) {
          markers.push_back({run.epochs[i] + 1.5, c.source});
          break;
        }
      }
    }
  std::vector<std::pair<std::string, std::string>> out;
  auto chart = [&](const std::string& file, std::vector<ChartSeries> s, const std::string& title,
                   const std::string& y_label, bool log_y, bool steps = false) {
    std::vector<ChartSeries> present;
    for (auto& one : s)
      if (!one.x.empty()) present.push_back(std::move(one));
    if (present.empty()) return;
    ChartOptions o;
    o.title = run.name + ": " + title;
    o.x_label = "epoch";
    o.y_label = y_label;
    o.log_y = log_y;
    o.integer_x = true;
    o.steps = steps;
    o.markers = markers;
    out.emplace_back(file, render_svg_chart(present, o));
  };
  chart("loss.svg", {run.series("loss", "loss"), run.series("val_loss", "val_loss")}, "loss per epoch", "loss", false);
  chart("accuracy.svg", {run.series("accuracy", "accuracy"), run.series("val_accuracy", "val_accuracy")},
        "accuracy per epoch", "accuracy", false);
  chart("lr.svg", {run.series("lr", "learning rate")}, "learning rate per epoch (dashed: lr changes)", "learning rate",
        true, /*steps=*/true);
  return out;
}

void write_run_charts(const RunSummary& run) {
  for (const auto& [file, svg] : run_charts(run)) io::write_file_atomically((fs::path(run.dir) / file).string(), svg);
}

}  // namespace plateau::apps
