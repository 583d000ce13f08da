// plateau evaluate --weights FILE.safetensors [--model SPEC] [--data DIR] [--split test|train] [--limit N] [--json]
// plateau predict  --weights FILE.safetensors [--model SPEC] [--data DIR] [--split test|train] [--limit N] [--out FILE]
// The model spec comes from the weights file's metadata unless --model is given. The model is
// compiled without an optimizer: it is only evaluated.
#include <chrono>
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "plateau/core/error.h"
#include "plateau/core/io/atomic_file.h"
#include "plateau/core/threads.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/weights.h"
#include "plateau/training/setup.h"

namespace plateau::apps {
namespace {

// The model with its weights, and the data split.
std::pair<std::unique_ptr<Model>, ImageDataset> load(const Options& o) {
  if (o.threads > 0) set_num_threads(static_cast<int>(o.threads));
  const nlohmann::json spec = o.model.empty() ? model_spec_from_weights(o.weights) : resolve_model_spec(o.model);
  auto model = build_compiled_model(
      {.spec = spec, .input_shape = model_input_shape(spec), .seed = 0, .weights = o.weights, .loss = o.loss,
       .dtype_policy = o.dtype_policy});
  return {std::move(model), load_data({.dir = o.data, .split = o.split, .limit = o.limit})};
}

}  // namespace

void run_evaluate_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  auto [model, data] = load(o);
  const auto start = std::chrono::steady_clock::now();
  const Logs logs = model->evaluate(data, o.batch_size);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    std::printf("%s\n", nlohmann::json{{"loss", logs.at("loss")}, {"accuracy", logs.at("accuracy")},
                                       {"samples", data.count}, {"seconds", seconds}}
                            .dump()
                            .c_str());
  } else {
    std::printf("%s split, %lld images: loss %.4f - accuracy %.4f\n", o.split.c_str(),
                static_cast<long long>(data.count), logs.at("loss"), logs.at("accuracy"));
  }
}

void run_predict_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  auto [model, data] = load(o);
  const Tensor probs = model->predict(data, o.batch_size);
  const int64_t K = probs.dim(1);
  std::string csv = "index,label,predicted";
  for (int64_t k = 0; k < K; ++k) csv += ",p" + std::to_string(k);
  csv += "\n";
  char buf[32];
  for (int64_t i = 0; i < data.count; ++i) {
    int64_t best = 0;
    for (int64_t k = 1; k < K; ++k)
      if (probs[i * K + k] > probs[i * K + best]) best = k;
    csv += std::to_string(i) + "," + std::to_string(data.labels[static_cast<size_t>(i)]) + "," + std::to_string(best);
    for (int64_t k = 0; k < K; ++k) {
      std::snprintf(buf, sizeof buf, ",%.6g", probs[i * K + k]);
      csv += buf;
    }
    csv += "\n";
  }
  if (o.out.empty()) {
    std::fputs(csv.c_str(), stdout);
  } else {
    io::write_file_atomically(o.out, csv);
  }
}

}  // namespace plateau::apps
