#pragma once
// A self-contained SVG line chart: title, axes with ticks and labels, one polyline per series,
// a legend (when there is more than one series) in a row between the title and the plot, where it
// cannot cover a curve, and optional vertical markers (e.g. lr changes). Any values may be given:
// non-finite ones (and, on a log axis, values <= 0) are left out, and an axis with nothing to show
// spans a default range.

#include <optional>
#include <string>
#include <vector>

namespace plateau::apps {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;
};

struct ChartMarker {
  double x;
  std::string label;
};

struct ChartOptions {
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;
  // Draw each series as steps: a value holds around its x and changes halfway to the next x (for a
  // per-epoch lr, which is constant within an epoch and changes between two epochs, where the markers are).
  bool steps = false;
  bool integer_x = false;  // x ticks only at whole numbers (epochs)
  // The y range to show instead of the data's; points beyond it are drawn at its edge.
  std::optional<double> y_min, y_max;
  int width = 860, height = 480;
  std::vector<ChartMarker> markers;
};

std::string render_svg_chart(const std::vector<ChartSeries>& series, const ChartOptions& options);

// "Nice" tick values covering [lo, hi] (about `count` of them): steps of 1, 2 or 5 × 10^k (at least 1
// when `integers`). Never more than 100 ticks, whatever the range.
std::vector<double> nice_ticks(double lo, double hi, int count = 6, bool integers = false);
// Text for XML and HTML: <, >, & and " escaped.
std::string xml_escape(const std::string& s);

}  // namespace plateau::apps
