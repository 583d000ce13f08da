// plateau schedule --spec '<json>' --steps N [--lr LR] [--optimizer '<json>'] [--metrics v0,v1,…]
//                  [--format table|csv|svg] [--out FILE]
// Previews a schedule without training: the lr (and the cycled momentum) in effect during each step
// t = 0 … N−1, from the same Scheduler and optimizer objects training uses.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "apps/commands.h"
#include "apps/svg_chart.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/json_field.h"
#include "plateau/core/parse_number.h"
#include "plateau/optim/optimizer_spec.h"
#include "plateau/schedulers/schedule_spec.h"
#include "plateau/schedulers/scheduler.h"

namespace plateau::apps {
namespace {

struct Preview {
  std::string name;
  std::vector<double> lr, momentum;  // momentum empty unless the schedule cycles it
};

std::vector<double> parse_metrics(const std::string& text) {
  std::vector<double> values;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    values.push_back(parse_double(part, "--metrics (expected v0,v1,…)"));
  }
  return values;
}

// `optimizer`: a spec, or null for SGD with momentum 0.9 at `lr`.
Preview run_preview(const nlohmann::json& spec, int64_t steps, double lr, const nlohmann::json& optimizer_spec,
                    const std::string& metrics_text) {
  PLATEAU_CHECK(steps >= 0, "--steps must be non-negative, got ", steps);
  std::vector<Variable> params{Variable(Tensor({1}), true)};
  const nlohmann::json opt_spec =
      optimizer_spec.is_null() ? nlohmann::json{{"name", "SGD"}, {"lr", lr}, {"momentum", 0.9}} : optimizer_spec;
  auto optimizer = make_optimizer(opt_spec, params, lr);
  Preview p{JsonField(spec, "schedule spec").at("name").text(), {}, {}};
  if (is_plateau_spec(spec)) {
    PLATEAU_CHECK(!metrics_text.empty(), "ReduceLROnPlateau needs --metrics with one value per step (", steps,
                  " values)");
    const std::vector<double> metrics = parse_metrics(metrics_text);
    PLATEAU_CHECK(static_cast<int64_t>(metrics.size()) == steps, "--metrics has ", metrics.size(),
                  " values, --steps is ", steps, "; ReduceLROnPlateau needs one value per step");
    ReduceLROnPlateau plateau(*optimizer, plateau_options(spec));
    for (int64_t t = 0; t < steps; ++t) {
      p.lr.push_back(optimizer->param_groups()[0].lr);
      plateau.step(metrics[static_cast<size_t>(t)]);
    }
    return p;
  }
  PLATEAU_CHECK(metrics_text.empty(), "--metrics is only for ReduceLROnPlateau, not ", p.name);
  Scheduler scheduler(make_schedule(spec), *optimizer);
  const bool cycles = scheduler.schedule().cycles_momentum();
  for (int64_t t = 0; t < steps; ++t) {
    const ParamGroup& g = optimizer->param_groups()[0];
    p.lr.push_back(g.lr);
    if (cycles) p.momentum.push_back(optimizer->uses_beta1() ? g.beta1 : g.momentum);
    scheduler.step();
  }
  return p;
}

std::string csv(const Preview& p) {
  std::string out = p.momentum.empty() ? "step,lr\n" : "step,lr,momentum\n";
  char buf[96];
  for (size_t t = 0; t < p.lr.size(); ++t) {
    if (p.momentum.empty()) {
      std::snprintf(buf, sizeof buf, "%zu,%.17g\n", t, p.lr[t]);
    } else {
      std::snprintf(buf, sizeof buf, "%zu,%.17g,%.17g\n", t, p.lr[t], p.momentum[t]);
    }
    out += buf;
  }
  return out;
}

// A table of up to ~40 rows (evenly spaced when there are more steps) and a 64x14 ASCII plot.
std::string table(const Preview& p) {
  std::string out = p.name + ": " + std::to_string(p.lr.size()) + " steps\n\n";
  const size_t n = p.lr.size();
  if (n == 0) return out;
  const size_t stride = n <= 40 ? 1 : (n + 39) / 40;
  char buf[128];
  out += p.momentum.empty() ? "  step            lr\n" : "  step            lr      momentum\n";
  for (size_t t = 0; t < n; t += stride) {
    if (p.momentum.empty()) {
      std::snprintf(buf, sizeof buf, "%6zu  %12.6g\n", t, p.lr[t]);
    } else {
      std::snprintf(buf, sizeof buf, "%6zu  %12.6g  %12.6g\n", t, p.lr[t], p.momentum[t]);
    }
    out += buf;
    if (t + stride >= n && t != n - 1) {
      std::snprintf(buf, sizeof buf, "%6zu  %12.6g\n", n - 1, p.lr[n - 1]);
      out += buf;
    }
  }
  if (stride > 1) out += "  (one row every " + std::to_string(stride) + " steps; --format csv lists all)\n";
  const int W = 64, H = 14;
  double lo = p.lr[0], hi = p.lr[0];
  for (double v : p.lr) lo = std::min(lo, v), hi = std::max(hi, v);
  std::vector<std::string> grid(H, std::string(W, ' '));
  for (int c = 0; c < W; ++c) {
    const size_t t = n == 1 ? 0 : static_cast<size_t>(std::llround(static_cast<double>(c) * (n - 1) / (W - 1)));
    const double frac = hi > lo ? (p.lr[t] - lo) / (hi - lo) : 0.5;
    grid[static_cast<size_t>(H - 1 - std::lround(frac * (H - 1)))][static_cast<size_t>(c)] = '*';
  }
  out += "\n";
  for (int r = 0; r < H; ++r) {
    if (r == 0) std::snprintf(buf, sizeof buf, "%11.4g |", hi);
    else if (r == H - 1) std::snprintf(buf, sizeof buf, "%11.4g |", lo);
    else std::snprintf(buf, sizeof buf, "%11s |", "");
    out += buf + grid[static_cast<size_t>(r)] + "\n";
  }
  out += std::string(12, ' ') + "+" + std::string(W, '-') + "\n";
  std::snprintf(buf, sizeof buf, "%13s%-*s%zu\n", "0", W - 1 - static_cast<int>(std::to_string(n - 1).size()) + 1,
                "", n - 1);
  out += buf;
  out += std::string(12 + W / 2 - 2, ' ') + "step\n";
  return out;
}

std::string svg(const Preview& p, const nlohmann::json& spec) {
  ChartSeries lr{"lr", {}, p.lr};
  for (size_t t = 0; t < p.lr.size(); ++t) lr.x.push_back(static_cast<double>(t));
  std::vector<ChartSeries> series{lr};
  ChartOptions o;
  o.title = p.name + " " + spec.dump();
  if (o.title.size() > 110) o.title = o.title.substr(0, 107) + "...";
  o.x_label = "step";
  o.y_label = "learning rate";
  return render_svg_chart(series, o);
}

}  // namespace

void run_schedule_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  const nlohmann::json spec = parse_schedule_spec(o.spec);
  const nlohmann::json optimizer = flags.given("--optimizer") ? o.optimizer : nlohmann::json(nullptr);
  const Preview p = run_preview(spec, o.steps, o.initial_lr, optimizer, o.metrics);
  std::string format = o.format;
  if (format.empty()) format = (o.out.empty() && isatty(STDOUT_FILENO)) ? "table" : "csv";
  const std::string text = format == "csv" ? csv(p) : format == "svg" ? svg(p, spec) : table(p);
  if (o.out.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    io::write_file_atomically(o.out, text);
  }
}

}  // namespace plateau::apps
