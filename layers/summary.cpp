#include "plateau/layers/summary.h"

#include <cstdio>
#include <vector>

#include "plateau/core/error.h"

namespace plateau {
namespace {

// 242442 -> "242,442"
std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Keras' readable_memory_size: float32 bytes in B, KB, MB, GB with two decimals (base 1024).
std::string memory_size(int64_t params) {
  double bytes = static_cast<double>(params) * 4.0;
  const char* units[] = {"B", "KB", "MB", "GB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 3) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[u]);
  return buf;
}

std::string shape_text(const Shape& s) {
  std::string out = "(None";
  const Shape keras = internal_to_keras(s);
  for (int64_t d : keras.dims()) out += ", " + std::to_string(d);
  return out + ")";
}

// Pads with spaces to `width` display columns (all our cell text is ASCII).
std::string pad(const std::string& text, size_t width, bool right_align = false) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right_align ? fill + text : text + fill;
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

std::string summary(const Sequential& model, const std::string& model_name) {
  PLATEAU_CHECK(model.built(), "summary: build the model first");
  struct Row {
    std::string layer, shape, params;
  };
  std::vector<Row> rows;
  int64_t trainable = 0, non_trainable = 0;
  for (size_t i = 0; i < model.layers().size(); ++i) {
    const Layer& l = *model.layers()[i];
    const int64_t p = l.parameter_count() + l.buffer_count();
    trainable += l.parameter_count();
    non_trainable += l.buffer_count();
    rows.push_back({l.name() + " (" + l.type() + ")", shape_text(model.output_shapes()[i]), with_commas(p)});
  }
  size_t w0 = 31, w1 = 22, w2 = 13;  // Keras' default column widths at 98 columns, minus padding
  for (const Row& r : rows) {
    w0 = std::max(w0, r.layer.size());
    w1 = std::max(w1, r.shape.size());
    w2 = std::max(w2, r.params.size());
  }
  auto line = [&](const char* l, const char* fill, const char* mid, const char* r) {
    return std::string(l) + repeat(fill, w0 + 2) + mid + repeat(fill, w1 + 2) + mid + repeat(fill, w2 + 2) + r + "\n";
  };
  std::string out = "Model: \"" + model_name + "\"\n";
  out += line("┏", "━", "┳", "┓");
  out += "┃ " + pad("Layer (type)", w0) + " ┃ " + pad("Output Shape", w1) + " ┃ " + pad("Param #", w2, true) + " ┃\n";
  out += line("┡", "━", "╇", "┩");
  for (size_t i = 0; i < rows.size(); ++i) {
    out += "│ " + pad(rows[i].layer, w0) + " │ " + pad(rows[i].shape, w1) + " │ " + pad(rows[i].params, w2, true) + " │\n";
    out += i + 1 < rows.size() ? line("├", "─", "┼", "┤") : line("└", "─", "┴", "┘");
  }
  const int64_t total = trainable + non_trainable;
  out += " Total params: " + with_commas(total) + " (" + memory_size(total) + ")\n";
  out += " Trainable params: " + with_commas(trainable) + " (" + memory_size(trainable) + ")\n";
  out += " Non-trainable params: " + with_commas(non_trainable) + " (" + memory_size(non_trainable) + ")\n";
  return out;
}

}  // namespace plateau
