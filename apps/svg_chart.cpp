#include "apps/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/error.h"

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

Axis axis_of(const std::vector<ChartSeries>& series, bool use_x, bool log) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : series)
    for (double v : use_x ? s.x : s.y)
      if (std::isfinite(v) && (!log || v > 0)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (lo == hi) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo = log ? lo / 2 : lo - pad;
    hi = log ? hi * 2 : hi + pad;
  }
  return {lo, hi, log};
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> out;
  for (int e = static_cast<int>(std::floor(std::log10(lo))); e <= static_cast<int>(std::ceil(std::log10(hi))); ++e) {
    const double v = std::pow(10.0, e);
    if (v >= lo * 0.999 && v <= hi * 1.001) out.push_back(v);
  }
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

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, count - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  return ticks;
}

std::string render_svg_chart(const std::vector<ChartSeries>& series, const ChartOptions& o) {
  PLATEAU_CHECK(!series.empty(), "chart '", o.title, "': no series to draw");
  const double left = 90, right = o.width - 30.0, top = 50, bottom = o.height - 60.0;
  const Axis ax = axis_of(series, true, o.log_x), ay = axis_of(series, false, o.log_y);
  std::string svg;
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(o.width) + "\" height=\"" +
         std::to_string(o.height) + "\" viewBox=\"0 0 " + std::to_string(o.width) + " " + std::to_string(o.height) +
         "\" font-family=\"sans-serif\" font-size=\"13\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text class=\"title\" x=\"" + fmt(o.width / 2.0) + "\" y=\"28\" text-anchor=\"middle\" font-size=\"17\">" +
         xml_escape(o.title) + "</text>\n";
  // grid and ticks
  const auto xt = o.log_x ? log_ticks(ax.lo, ax.hi) : nice_ticks(ax.lo, ax.hi, 8);
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
  for (const ChartMarker& m : o.markers) {
    const double px = ax.map(m.x, left, right);
    svg += "<line class=\"marker\" x1=\"" + fmt(px) + "\" y1=\"" + fmt(top) + "\" x2=\"" + fmt(px) + "\" y2=\"" +
           fmt(bottom) + "\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
    svg += "<text x=\"" + fmt(px + 3) + "\" y=\"" + fmt(top + 12) + "\" font-size=\"11\" fill=\"#666\">" +
           xml_escape(m.label) + "</text>\n";
  }
  for (size_t k = 0; k < series.size(); ++k) {
    const ChartSeries& s = series[k];
    std::string points;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i]) || (o.log_y && s.y[i] <= 0) || (o.log_x && s.x[i] <= 0)) continue;
      points += fmt(ax.map(s.x[i], left, right)) + "," + fmt(ay.map(s.y[i], bottom, top)) + " ";
    }
    svg += "<polyline class=\"series\" data-name=\"" + xml_escape(s.name) + "\" fill=\"none\" stroke=\"" +
           kColors[k % 8] + "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
  }
  if (series.size() > 1) {
    for (size_t k = 0; k < series.size(); ++k) {
      const double y = top + 16 + 18.0 * k;
      svg += "<line x1=\"" + fmt(right - 170) + "\" y1=\"" + fmt(y) + "\" x2=\"" + fmt(right - 145) + "\" y2=\"" +
             fmt(y) + "\" stroke=\"" + kColors[k % 8] + "\" stroke-width=\"3\"/>\n";
      svg += "<text x=\"" + fmt(right - 140) + "\" y=\"" + fmt(y + 4) + "\">" + xml_escape(series[k].name) + "</text>\n";
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace plateau::apps
