#include "apps/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "plateau/core/error.h"

namespace plateau::apps {
namespace {

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Axis {
  double lo, hi;
  bool log;
  double map(double v, double from, double to) const {  // value -> pixel
    const double a = log ? std::log10(lo) : lo, b = log ? std::log10(hi) : hi;
    const double u = log ? std::log10(v) : v;
    return b == a ? (from + to) / 2 : from + (u - a) / (b - a) * (to - from);
  }
};

Axis axis_of(const std::vector<ChartSeries>& series, bool use_x, bool log, std::optional<double> min = std::nullopt,
             std::optional<double> max = std::nullopt) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : series)
    for (double v : use_x ? s.x : s.y)
      if (std::isfinite(v) && (!log || v > 0)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (min && std::isfinite(*min) && (!log || *min > 0)) lo = *min;
  if (max && std::isfinite(*max) && (!log || *max > 0)) hi = *max;
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) lo = log ? 1 : 0, hi = log ? 10 : 1;  // nothing to show
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo = log ? lo / 2 : lo - pad;
    hi = log ? hi * 2 : hi + pad;
  }
  return {lo, hi, log};
}

// Powers of ten in [lo, hi] (0 < lo < hi); with fewer than three of them, also 2× and 5× each power.
std::vector<double> log_ticks(double lo, double hi) {
  auto ticks = [&](std::initializer_list<double> multiples) {
    std::vector<double> out;
    const int first = static_cast<int>(std::floor(std::log10(lo))), last = static_cast<int>(std::ceil(std::log10(hi)));
    for (int e = first; e <= last && out.size() < 100; ++e)
      for (double m : multiples) {
        const double v = m * std::pow(10.0, e);
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push_back(v);
      }
    return out;
  };
  std::vector<double> out = ticks({1.0});
  if (out.size() > 12) {  // a range of many decades: every few powers
    std::vector<double> fewer;
    const size_t stride = (out.size() + 9) / 10;
    for (size_t i = 0; i < out.size(); i += stride) fewer.push_back(out[i]);
    out = fewer;
  }
  if (out.size() < 3) out = ticks({1.0, 2.0, 5.0});
  if (out.size() < 2) out = {lo, hi};
  return out;
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count, bool integers) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double raw = (hi - lo) / std::max(1, count - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  if (integers) step = std::max(1.0, std::round(step));
  const double first = std::ceil(lo / step - 1e-9);
  if (!std::isfinite(first) || (hi - lo) / step > 100) return {lo, hi};
  std::vector<double> ticks;
  for (int k = 0; k <= 100; ++k) {  // first + k steps, not a sum: no drift, and a bounded count
    const double v = (first + k) * step;
    if (v > hi + step * 1e-9) break;
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  if (ticks.empty()) ticks = {lo, hi};
  return ticks;
}

std::string render_svg_chart(const std::vector<ChartSeries>& series, const ChartOptions& o) {
  PLATEAU_CHECK(!series.empty(), "chart '", o.title, "': no series to draw");
  // With several series, their legend takes a row of its own between the title and the plot.
  const bool legend = series.size() > 1;
  const double left = 90, right = o.width - 30.0, top = legend ? 74 : 50, bottom = o.height - 60.0;
  const Axis ax = axis_of(series, true, o.log_x), ay = axis_of(series, false, o.log_y, o.y_min, o.y_max);
  std::string svg;
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(o.width) + "\" height=\"" +
         std::to_string(o.height) + "\" viewBox=\"0 0 " + std::to_string(o.width) + " " + std::to_string(o.height) +
         "\" font-family=\"sans-serif\" font-size=\"13\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text class=\"title\" x=\"" + fmt(o.width / 2.0) + "\" y=\"28\" text-anchor=\"middle\" font-size=\"17\">" +
         xml_escape(o.title) + "</text>\n";
  // grid and ticks
  const auto xt = o.log_x ? log_ticks(ax.lo, ax.hi) : nice_ticks(ax.lo, ax.hi, 8, o.integer_x);
  const auto yt = o.log_y ? log_ticks(ay.lo, ay.hi) : nice_ticks(ay.lo, ay.hi, 6);
  for (double v : xt) {
    const double px = ax.map(v, left, right);
    svg += "<line x1=\"" + fmt(px) + "\" y1=\"" + fmt(top) + "\" x2=\"" + fmt(px) + "\" y2=\"" + fmt(bottom) +
           "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"xtick\" x=\"" + fmt(px) + "\" y=\"" + fmt(bottom + 18) + "\" text-anchor=\"middle\">" +
           fmt(v) + "</text>\n";
  }
  for (double v : yt) {
    const double py = ay.map(v, bottom, top);
    svg += "<line x1=\"" + fmt(left) + "\" y1=\"" + fmt(py) + "\" x2=\"" + fmt(right) + "\" y2=\"" + fmt(py) +
           "\" stroke=\"#e5e5e5\"/>\n";
    svg += "<text class=\"ytick\" x=\"" + fmt(left - 8) + "\" y=\"" + fmt(py + 4) + "\" text-anchor=\"end\">" +
           fmt(v) + "</text>\n";
  }
  svg += "<rect x=\"" + fmt(left) + "\" y=\"" + fmt(top) + "\" width=\"" + fmt(right - left) + "\" height=\"" +
         fmt(bottom - top) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  svg += "<text class=\"xlabel\" x=\"" + fmt((left + right) / 2) + "\" y=\"" + fmt(o.height - 18.0) +
         "\" text-anchor=\"middle\">" + xml_escape(o.x_label) + "</text>\n";
  svg += "<text class=\"ylabel\" x=\"20\" y=\"" + fmt((top + bottom) / 2) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " + fmt((top + bottom) / 2) + ")\">" +
         xml_escape(o.y_label) + "</text>\n";
  // Marker labels go right of their line (left of it near the plot's right edge), in the first of three
  // rows where they overlap no other label (≈ 6.5 px a character); a label with no room is left out.
  std::vector<double> row_end(3, -std::numeric_limits<double>::infinity());
  for (const ChartMarker& m : o.markers) {
    if (m.x < ax.lo || m.x > ax.hi) continue;  // e.g. an lr change after the last epoch: nothing to mark
    const double px = ax.map(m.x, left, right);
    svg += "<line class=\"marker\" x1=\"" + fmt(px) + "\" y1=\"" + fmt(top) + "\" x2=\"" + fmt(px) + "\" y2=\"" +
           fmt(bottom) + "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
    const double width = 6.5 * static_cast<double>(m.label.size());
    const bool fits_right = px + 3 + width <= right;
    const double begin = fits_right ? px + 3 : px - 3 - width;
    for (size_t row = 0; row < row_end.size(); ++row) {
      if (begin <= row_end[row] + 4) continue;
      row_end[row] = begin + width;
      svg += "<text class=\"marker-label\" x=\"" + fmt(fits_right ? px + 3 : px - 3) + "\" y=\"" +
             fmt(top + 12 + 13.0 * static_cast<double>(row)) + "\" text-anchor=\"" + (fits_right ? "start" : "end") +
             "\" font-size=\"11\" fill=\"#666\">" + xml_escape(m.label) + "</text>\n";
      break;
    }
  }
  for (size_t k = 0; k < series.size(); ++k) {
    const ChartSeries& s = series[k];
    std::vector<std::pair<double, double>> xy;  // the drawable points
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && !(o.log_y && s.y[i] <= 0) && !(o.log_x && s.x[i] <= 0))
        xy.emplace_back(s.x[i], std::clamp(s.y[i], ay.lo, ay.hi));  // beyond a set y range: at its edge
    std::string points;
    auto add = [&](double x, double y) { points += fmt(ax.map(x, left, right)) + "," + fmt(ay.map(y, bottom, top)) + " "; };
    for (size_t i = 0; i < xy.size(); ++i) {
      if (o.steps && i > 0) {  // along at the previous value to halfway, then up or down
        const double mid = o.log_x ? std::sqrt(xy[i - 1].first * xy[i].first) : (xy[i - 1].first + xy[i].first) / 2;
        add(mid, xy[i - 1].second);
        add(mid, xy[i].second);
      }
      add(xy[i].first, xy[i].second);
    }
    svg += "<polyline class=\"series\" data-name=\"" + xml_escape(s.name) + "\" fill=\"none\" stroke=\"" +
           kColors[k % 8] + "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
  }
  if (legend) {  // entries side by side, centred in the row above the plot
    double width = 0;
    for (const auto& s : series) width += 40 + 7.0 * static_cast<double>(s.name.size());
    double x = std::max(left, (left + right - width) / 2);
    const double y = top - 14;
    for (size_t k = 0; k < series.size(); ++k) {
      svg += "<line class=\"legend\" x1=\"" + fmt(x) + "\" y1=\"" + fmt(y) + "\" x2=\"" + fmt(x + 25) + "\" y2=\"" +
             fmt(y) + "\" stroke=\"" + kColors[k % 8] + "\" stroke-width=\"3\"/>\n";
      svg += "<text class=\"legend\" x=\"" + fmt(x + 30) + "\" y=\"" + fmt(y + 4) + "\">" + xml_escape(series[k].name) +
             "</text>\n";
      x += 40 + 7.0 * static_cast<double>(series[k].name.size());
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace plateau::apps
