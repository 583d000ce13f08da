#include "apps/run_summary.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/svg_chart.h"
#include "core/error.h"
#include "core/io/atomic_file.h"

namespace plateau::apps {
namespace fs = std::filesystem;

bool is_run_dir(const std::string& dir) { return fs::is_regular_file(fs::path(dir) / "run.json"); }

RunSummary read_run(const std::string& dir) {
  PLATEAU_CHECK(is_run_dir(dir), "'", dir, "' is not a run directory (no run.json)");
  RunSummary r;
  r.dir = dir;
  r.name = fs::path(dir).lexically_normal().filename().string();
  if (r.name.empty() || r.name == ".") r.name = fs::path(dir).lexically_normal().parent_path().filename().string();
  try {
    r.config = nlohmann::json::parse(io::read_file((fs::path(dir) / "run.json").string())).at("config");
    if (fs::exists(fs::path(dir) / "results.json"))
      r.results = nlohmann::json::parse(io::read_file((fs::path(dir) / "results.json").string()));
  } catch (const nlohmann::json::exception& e) {
    throw Error(cat("run directory '", dir, "': unreadable JSON (", e.what(), ")"));
  }
  const fs::path metrics = fs::path(dir) / "metrics.csv";
  if (fs::exists(metrics)) {
    std::istringstream in(io::read_file(metrics.string()));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    std::stringstream h(line);
    std::string field;
    while (std::getline(h, field, ',')) header.push_back(field);
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      std::stringstream row(line);
      for (size_t i = 0; i < header.size(); ++i) {
        if (!std::getline(row, field, ',')) field.clear();
        const double v = field.empty() ? std::nan("") : std::stod(field);
        if (header[i] == "epoch") {
          r.epochs.push_back(v);
        } else {
          r.metrics[header[i]].push_back(v);
        }
      }
    }
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
  if (finished() && results.contains("lr_changes")) return static_cast<int64_t>(results["lr_changes"].size());
  auto it = metrics.find("lr");
  int64_t n = 0;
  if (it != metrics.end())
    for (size_t i = 1; i < it->second.size(); ++i) n += it->second[i] != it->second[i - 1];
  return n;
}

double RunSummary::wall_seconds() const {
  if (finished() && results.contains("wall_seconds")) return results["wall_seconds"];
  double s = 0;
  auto it = metrics.find("seconds");
  if (it != metrics.end())
    for (double v : it->second) s += std::isnan(v) ? 0 : v;
  return s;
}

std::vector<std::string> expand_run_dirs(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const auto& d : dirs) {
    if (is_run_dir(d)) {
      out.push_back(d);
      continue;
    }
    PLATEAU_CHECK(fs::is_directory(d), "'", d, "' is neither a run directory nor a sweep directory");
    std::vector<std::string> inside;
    for (const auto& e : fs::directory_iterator(d))
      if (e.is_directory() && is_run_dir(e.path().string())) inside.push_back(e.path().string());
    PLATEAU_CHECK(!inside.empty(), "'", d, "' holds no run directories");
    std::sort(inside.begin(), inside.end());
    out.insert(out.end(), inside.begin(), inside.end());
  }
  return out;
}

void write_run_charts(const RunSummary& run) {
  auto series = [&](const std::string& column, const std::string& label) {
    ChartSeries s{label, {}, {}};
    auto it = run.metrics.find(column);
    if (it == run.metrics.end()) return s;
    for (size_t i = 0; i < it->second.size(); ++i) {
      if (std::isnan(it->second[i])) continue;
      s.x.push_back(run.epochs[i] + 1);
      s.y.push_back(it->second[i]);
    }
    return s;
  };
  // A marker between two epochs whose lr differs, named by the change made there: at the end of the first
  // (ReduceLROnPlateau) or at the beginning of the second (epoch schedules). The lr column holds the lr in
  // effect during each epoch. Per-batch schedules change it every epoch and are not marked.
  std::vector<ChartMarker> markers;
  const auto lr = run.metrics.find("lr");
  if (run.finished() && run.results.contains("lr_changes") && lr != run.metrics.end())
    for (size_t i = 0; i + 1 < lr->second.size(); ++i) {
      const double before = lr->second[i], after = lr->second[i + 1];
      if (std::isnan(before) || std::isnan(after) || before == after) continue;
      for (const auto& c : run.results["lr_changes"]) {
        const double epoch = c["epoch"].get<double>();
        if (c["source"] == "OneCycleLR" || c["source"] == "CyclicLR") continue;
        if (epoch == run.epochs[i] || epoch == run.epochs[i + 1]) {
          markers.push_back({run.epochs[i] + 1.5, c["source"].get<std::string>()});
          break;
        }
      }
    }
  auto write = [&](const std::string& file, std::vector<ChartSeries> s, const std::string& title,
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
    o.steps = steps;
    o.markers = markers;
    io::write_file_atomically((fs::path(run.dir) / file).string(), render_svg_chart(present, o));
  };
  write("loss.svg", {series("loss", "loss"), series("val_loss", "val_loss")}, "loss per epoch", "loss", false);
  write("accuracy.svg", {series("accuracy", "accuracy"), series("val_accuracy", "val_accuracy")},
        "accuracy per epoch", "accuracy", false);
  write("lr.svg", {series("lr", "learning rate")}, "learning rate per epoch (dashed: lr changes)", "learning rate",
        true, /*steps=*/true);
}

}  // namespace plateau::apps
