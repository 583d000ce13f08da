#pragma once
// Keras/TensorFlow padding along one axis. "valid": no padding, out = (in - k) / s + 1.
// "same": out = ceil(in / s), total = max((out - 1)·s + k - in, 0), before = total / 2 and the
// extra one after (bottom/right), as TensorFlow pads (tf.nn.conv2d docs, "SAME" padding).

#include <cstdint>
#include <string>

namespace plateau {

struct AxisPadding {
  int before = 0, after = 0;
};

AxisPadding keras_padding(int64_t in, int kernel, int stride, const std::string& padding);
void check_padding_name(const std::string& padding, const std::string& where);  // "valid" or "same"

}  // namespace plateau
