#include "plateau/training/step_profiler.h"

#include <algorithm>

#include <chrono>
#include <cstdio>

#include "plateau/core/autograd/profiler.h"
#include "plateau/core/error.h"
#include "plateau/core/ops/matmul.h"
#include "plateau/layers/conv2d.h"
#include "plateau/layers/dense.h"

namespace plateau {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Multiply-adds × 2 of one forward pass of layer i for a batch of n.
double forward_flops(const Sequential& net, size_t i, int64_t n) {
  const Layer& l = *net.layers()[i];
  const Shape& out = net.output_shapes()[i];
  if (l.type() == "Conv2D") {
    const auto& w = l.named_parameters()[0].second.shape();  // (K,C,R,S)
    return 2.0 * n * out.numel() * w[1] * w[2] * w[3];
  }
  if (l.type() == "Dense") {
    const auto& w = l.named_parameters()[0].second.shape();  // (O,I)
    return 2.0 * n * w[0] * w[1];
  }
  return 0.0;
}

}  // namespace

double StepProfile::accounted_ms() const {
  double sum = loss_ms + optimizer_ms + data_ms;
  for (const auto& l : layers) sum += l.forward_ms + l.backward_ms;
  return sum;
}

StepProfile profile_steps(Model& model, const ImageDataset& data, int64_t batch_size, int64_t steps) {
  PLATEAU_CHECK(steps >= 1 && batch_size >= 1, "profile: steps and batch size must be positive, got ", steps, " and ",
                batch_size);
  PLATEAU_CHECK(data.count >= batch_size, "profile: ", data.count, " images are fewer than one batch of ", batch_size);
  Sequential& net = model.net();
  Optimizer& opt = model.optimizer();
  const TrainingCheckpoint before = model.snapshot();  // restored at the end
  const bool was_training = net.training();
  net.train();

  StepProfile p;
  p.batch_size = batch_size;
  p.steps = steps;
  p.ceiling_gflops = ops::measure_sgemm_gflops();
  // one row per step of the model: a layer, or a fused BatchNormalization + MaxPooling2D pair
  const auto& plan = net.steps();
  const size_t L = plan.size();
  p.layers.resize(L);
  for (size_t i = 0; i < L; ++i) {
    LayerProfile& row = p.layers[i];
    for (size_t j = plan[i].first; j < plan[i].first + plan[i].count; ++j) {
      const Layer& layer = *net.layers()[j];
      row.name += (row.name.empty() ? "" : " + ") + layer.name();
      row.type += (row.type.empty() ? "" : " + ") + layer.type();
      const double flops = forward_flops(net, j, batch_size);
      row.flops_forward += flops;
      // backward: the input gradient and the weight gradient each cost a forward, but the first layer
      // needs no input gradient
      row.flops_backward += flops * (j == 0 ? 1 : 2);
    }
    if (plan[i].count > 1) row.type = "fused";
    row.activation_mb = batch_size * net.output_shapes()[plan[i].first + plan[i].count - 1].numel() * 4.0 / (1 << 20);
  }
  const bool fused = model.fused();
  const int64_t batches = data.count / batch_size;
  const auto origin = Clock::now();
  auto now_us = [&] { return std::chrono::duration<double, std::micro>(Clock::now() - origin).count(); };
  for (int64_t step = -2; step < steps; ++step) {  // two warm-up steps are not counted
    const bool counted = step >= 0;
    const auto step_start = Clock::now();
    auto t = Clock::now();
    double t_us = now_us();
    std::vector<int64_t> idx;
    const int64_t b = (step + 2) % batches;
    for (int64_t k = b * batch_size; k < (b + 1) * batch_size; ++k) idx.push_back(k);
    const Variable x(data.images(idx));
    const std::vector<int32_t> y = data.labels_at(idx);
    if (counted) p.data_ms += ms_since(t), p.trace.push_back({"data", "data", t_us, now_us() - t_us});
    Variable h = x;
    for (size_t i = 0; i < L; ++i) {
      t = Clock::now();
      t_us = now_us();
      {
        ScopeGuard scope(p.layers[i].name);
        h = net.forward_step(plan[i], h, fused && i + 1 == L);
      }
      if (counted) {
        p.layers[i].forward_ms += ms_since(t);
        p.trace.push_back({p.layers[i].name, "forward", t_us, now_us() - t_us});
      }
    }
    t = Clock::now();
    t_us = now_us();
    Variable loss;
    {
      ScopeGuard scope("loss");
      loss = model.batch_loss(h, y);
    }
    double loss_forward = ms_since(t);
    std::map<std::string, double> backward;
    opt.zero_grad();
    set_backward_timer(&backward);
    const double backward_start = now_us();
    loss.backward();
    set_backward_timer(nullptr);
    t = Clock::now();
    const double opt_start = now_us();
    opt.step();
    if (!counted) continue;
    p.optimizer_ms += ms_since(t);
    p.loss_ms += loss_forward + backward["loss"] * 1e3;
    p.trace.push_back({"loss", "forward", t_us, loss_forward * 1e3});
    double at = backward_start + backward["loss"] * 1e6;
    for (size_t i = L; i-- > 0;) {  // backward runs last layer first; lay the spans out in that order
      const double d = backward[p.layers[i].name] * 1e3;
      p.layers[i].backward_ms += d;
      p.trace.push_back({p.layers[i].name, "backward", at, d * 1e3});
      at += d * 1e3;
    }
    p.trace.push_back({"optimizer", "optimizer", opt_start, now_us() - opt_start});
    p.step_ms += ms_since(step_start);
  }
  const double s = static_cast<double>(steps);
  for (auto& l : p.layers) l.forward_ms /= s, l.backward_ms /= s;
  p.loss_ms /= s, p.optimizer_ms /= s, p.data_ms /= s, p.step_ms /= s;

  model.restore_model_and_optimizer(before);
  net.train(was_training);
  return p;
}

std::string format_profile(const StepProfile& p) {
  std::string out;
  char line[512];
  // the name column as wide as its longest entry ("conv2d + batch_normalization + max_pooling2d (fused)")
  auto row_name = [](const LayerProfile& l) { return l.name + " (" + l.type + ")"; };
  int width = 24;
  for (const auto& l : p.layers) width = std::max(width, static_cast<int>(row_name(l).size()));
  const std::string rule(static_cast<size_t>(width) + 58, '-');
  std::snprintf(line, sizeof line, "%-*s %9s %9s %7s %9s %8s %10s\n", width, "layer", "fwd ms", "bwd ms", "share",
                "GFLOP/s", "%ceil", "act MB");
  out += line;
  out += rule + "\n";
  const double total = p.accounted_ms();
  for (const auto& l : p.layers) {
    const double ms = l.forward_ms + l.backward_ms;
    const double flops = l.flops_forward + l.flops_backward;
    const double gflops = flops > 0 && ms > 0 ? flops / (ms * 1e6) : 0;
    std::snprintf(line, sizeof line, "%-*s %9.3f %9.3f %6.1f%% %9s %8s %10.2f\n", width, row_name(l).c_str(),
                  l.forward_ms, l.backward_ms, 100 * ms / total, gflops > 0 ? std::to_string(int(gflops + 0.5)).c_str() : "-",
                  gflops > 0 ? (std::to_string(int(100 * gflops / p.ceiling_gflops + 0.5)) + "%").c_str() : "-",
                  l.activation_mb);
    out += line;
  }
  for (const auto& [name, ms] : std::vector<std::pair<std::string, double>>{
           {"loss (fused softmax-CE)", p.loss_ms}, {"optimizer", p.optimizer_ms}, {"data", p.data_ms}}) {
    std::snprintf(line, sizeof line, "%-*s %9.3f %9s %6.1f%%\n", width, name.c_str(), ms, "", 100 * ms / total);
    out += line;
  }
  out += rule + "\n";
  double flops = 0, act = 0;
  for (const auto& l : p.layers) flops += l.flops_forward + l.flops_backward, act += l.activation_mb;
  std::snprintf(line, sizeof line,
                "total %.2f ms per step (measured step %.2f ms, %+.1f%%); %.0f images/s; %.1f GFLOP/s = %.0f%% of "
                "the %.0f GFLOP/s SGEMM ceiling; activations %.1f MB\n",
                total, p.step_ms, 100 * (total - p.step_ms) / p.step_ms, p.batch_size / (p.step_ms / 1e3),
                flops / (p.step_ms * 1e6), 100 * flops / (p.step_ms * 1e6) / p.ceiling_gflops, p.ceiling_gflops, act);
  out += line;
  return out;
}

std::string chrome_trace_json(const StepProfile& p) {
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : p.trace)
    events.push_back({{"name", e.name}, {"cat", e.category}, {"ph", "X"}, {"ts", e.start_us}, {"dur", e.duration_us},
                      {"pid", 1}, {"tid", e.category == "backward" ? 2 : 1}});
  return nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump() + "\n";
}

}  // namespace plateau
