#include "plateau/callbacks/progress_bar.h"

#include <algorithm>
#include <cmath>

namespace plateau::callbacks {
namespace {

std::string duration(double seconds) {
  char buf[32];
  if (seconds >= 3600) {
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", int(seconds) / 3600, (int(seconds) / 60) % 60, int(seconds) % 60);
  } else if (seconds >= 60) {
    std::snprintf(buf, sizeof buf, "%d:%02d", int(seconds) / 60, int(seconds) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
  }
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(int verbose, bool interactive, std::FILE* out)
    : verbose_(verbose), interactive_(interactive && verbose == 1), out_(out) {}

std::string ProgressBar::format_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::abs(v) > 1e-3 || v == 0.0 ? "%.4f" : "%.4e", v);
  return buf;
}

std::string ProgressBar::metrics_text(const Logs& logs) const {
  std::string out;
  for (const auto& [k, v] : logs) out += " - " + k + ": " + format_value(v);
  return out;
}

std::string ProgressBar::line(const TrainingState& s, double elapsed, bool final) const {
  const int64_t total = s.steps_per_epoch, done = s.batch + 1, timed = done - std::max<int64_t>(timed_from_, 0);
  std::string text = std::to_string(done) + "/" + std::to_string(total);
  const double per_step = timed > 0 ? elapsed / static_cast<double>(timed) : 0.0;
  char step_time[32];
  std::snprintf(step_time, sizeof step_time, "%.0fms/step", per_step * 1000.0);
  if (interactive_) {
    const int width = 20;
    const int filled = total > 0 ? static_cast<int>(width * done / total) : width;
    text += " ";
    for (int i = 0; i < width; ++i) text += i < filled ? "━" : "─";
    text += ' ';
    text += final ? duration(elapsed) : duration(per_step * static_cast<double>(total - done));
    text += ' ';
    text += step_time;
  } else {
    text += " - ";
    text += duration(elapsed);
    text += " - ";
    text += step_time;
  }
  return text + metrics_text(s.logs);
}

void ProgressBar::on_train_begin(TrainingState&) { timed_from_ = -1; }

void ProgressBar::on_epoch_begin(TrainingState& s) {
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
  timed_from_ = 0;
  if (verbose_ > 0) {
    std::fprintf(out_, "Epoch %lld/%lld\n", static_cast<long long>(s.epoch + 1), static_cast<long long>(s.epochs));
    std::fflush(out_);
  }
}

void ProgressBar::on_batch_begin(TrainingState& s) {
  if (timed_from_ >= 0) return;
  // Resumed in the middle of this epoch: no on_epoch_begin in this process, so the clock starts here.
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
  timed_from_ = s.batch;
  if (verbose_ > 0) {
    std::fprintf(out_, "Epoch %lld/%lld (resumed at batch %lld)\n", static_cast<long long>(s.epoch + 1),
                 static_cast<long long>(s.epochs), static_cast<long long>(s.batch + 1));
    std::fflush(out_);
  }
}

void ProgressBar::on_batch_end(TrainingState& s) {
  if (!interactive_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = s.batch + 1 == s.steps_per_epoch;
  if (!last && std::chrono::duration<double>(now - last_draw_).count() < 0.1) return;  // ~10 redraws a second
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  std::fprintf(out_, "\r\033[K%s", line(s, elapsed, false).c_str());
  std::fflush(out_);
}

void ProgressBar::on_epoch_end(TrainingState& s) {
  if (verbose_ == 0) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
  std::fprintf(out_, "%s%s\n", interactive_ ? "\r\033[K" : "", line(s, elapsed, true).c_str());
  std::fflush(out_);
}

}  // namespace plateau::callbacks
