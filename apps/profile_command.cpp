// plateau profile [--model M] [--optimizer O] [--batch-size N] [--steps N] [--threads N] [--trace FILE.json]
// Per layer: forward and backward time, share of the step, GFLOP/s and % of the measured SGEMM
// ceiling, activation memory; plus loss, optimizer and data time (training/step_profiler.h).
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "core/io/atomic_file.h"
#include "core/threads.h"
#include "datasets/image_dataset.h"
#include "layers/model_spec.h"
#include "optim/optimizer_spec.h"
#include "training/step_profiler.h"

namespace plateau::apps {

void add_profile_command(CLI::App& app) {
  struct Options {
    std::string model = "seed-cnn", optimizer = "keras.Adam", trace, data;
    int64_t batch_size = 128, steps = 20;
    int threads = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("profile", "Time a training step layer by layer");
  cmd->add_option("--model", o->model, "model (default seed-cnn)");
  cmd->add_option("--optimizer", o->optimizer, "optimizer (default keras.Adam)");
  cmd->add_option("--batch-size", o->batch_size, "batch size (default 128)");
  cmd->add_option("--steps", o->steps, "steps to time after 2 warm-up steps (default 20)");
  cmd->add_option("--threads", o->threads, "threads (default PLATEAU_NUM_THREADS or all cores)");
  cmd->add_option("--trace", o->trace, "write a Chrome trace-event JSON file (Perfetto, chrome://tracing)");
  cmd->add_option("--data", o->data, "Fashion-MNIST directory");
  cmd->callback([o] {
    if (o->threads > 0) set_num_threads(o->threads);
    const ImageDataset data = load_mnist_format(o->data.empty() ? default_data_dir() : o->data, "train");
    Model model(build_model(resolve_model_spec(o->model), {28, 28, 1}, 42));
    model.compile(make_optimizer(parse_optimizer_spec(o->optimizer), model.net().parameters()),
                  Loss("sparse_categorical_crossentropy"));
    const StepProfile p = profile_steps(model, data, o->batch_size, o->steps);
    std::printf("%s, batch %lld, %d threads, %lld steps\n", o->model.c_str(), static_cast<long long>(o->batch_size),
                num_threads(), static_cast<long long>(o->steps));
    std::fputs(format_profile(p).c_str(), stdout);
    if (!o->trace.empty()) {
      io::write_file_atomically(o->trace, chrome_trace_json(p));
      std::printf("trace: %s\n", o->trace.c_str());
    }
  });
}

}  // namespace plateau::apps
