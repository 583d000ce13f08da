// plateau evaluate --weights FILE.safetensors [--model SPEC] [--data DIR] [--split test|train] [--limit N] [--json]
// plateau predict  --weights FILE.safetensors [--model SPEC] [--data DIR] [--split test|train] [--limit N] [--out FILE]
// The model spec comes from the weights file's metadata unless --model is given.
#include <chrono>
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "datasets/image_dataset.h"
#include "layers/model_spec.h"
#include "layers/weights.h"
#include "optim/sgd.h"
#include "training/model.h"

namespace plateau::apps {
namespace {

struct EvalOptions {
  std::string weights, model, data, split = "test", out;
  int64_t limit = 0, batch_size = 256;
  bool json = false;
};

void add_common(CLI::App* cmd, EvalOptions& o) {
  cmd->add_option("--weights", o.weights, "weights file (.safetensors)")->required();
  cmd->add_option("--model", o.model, "model spec (default: the one stored in the weights file)");
  cmd->add_option("--data", o.data, "Fashion-MNIST directory (default $PLATEAU_DATA or the Debian package's)");
  cmd->add_option("--split", o.split, "test (default) or train")->check(CLI::IsMember({"test", "train"}));
  cmd->add_option("--limit", o.limit, "use only the first N images");
  cmd->add_option("--batch-size", o.batch_size, "batch size (default 256)");
}

// The model with its weights, compiled for evaluation, and the data split.
std::pair<std::unique_ptr<Model>, ImageDataset> load(const EvalOptions& o) {
  PLATEAU_CHECK(o.limit >= 0, "--limit must be non-negative, got ", o.limit);
  const nlohmann::json spec = o.model.empty() ? model_spec_from_weights(o.weights) : resolve_model_spec(o.model);
  auto net = build_model(spec, model_input_shape(spec), 0);
  load_weights(*net, o.weights);
  auto model = std::make_unique<Model>(std::move(net));
  model->compile(std::make_unique<SGD>(model->net().parameters(), SGDOptions{}),
                 Loss("sparse_categorical_crossentropy"));
  ImageDataset data = load_mnist_format(o.data.empty() ? default_data_dir() : o.data, o.split);
  if (o.limit > 0) data = data.slice(0, std::min(o.limit, data.count));
  return {std::move(model), std::move(data)};
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Loss and accuracy of a weights file on Fashion-MNIST");
  add_common(cmd, *o);
  cmd->add_flag("--json", o->json, "print {\"loss\":…,\"accuracy\":…,\"samples\":…}");
  cmd->callback([o] {
    auto [model, data] = load(*o);
    const auto start = std::chrono::steady_clock::now();
    const Logs logs = model->evaluate(data, o->batch_size);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (o->json) {
      std::printf("%s\n", nlohmann::json{{"loss", logs.at("loss")}, {"accuracy", logs.at("accuracy")},
                                         {"samples", data.count}, {"seconds", seconds}}
                              .dump()
                              .c_str());
    } else {
      std::printf("%s split, %lld images: loss %.4f - accuracy %.4f\n", o->split.c_str(),
                  static_cast<long long>(data.count), logs.at("loss"), logs.at("accuracy"));
    }
  });
}

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("predict", "Per-image class probabilities as CSV");
  add_common(cmd, *o);
  cmd->add_option("--out", o->out, "write the CSV here instead of standard output");
  cmd->callback([o] {
    auto [model, data] = load(*o);
    const Tensor probs = model->predict(data, o->batch_size);
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
    if (o->out.empty()) {
      std::fputs(csv.c_str(), stdout);
    } else {
      io::write_file_atomically(o->out, csv);
    }
  });
}

}  // namespace plateau::apps
