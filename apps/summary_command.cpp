// plateau summary --model seed-cnn|mlp|vgg-mini|FILE.json|'<json>' [--input-shape 28,28,1]
#include <cstdio>
#include <memory>

#include "apps/commands.h"
#include "layers/model_spec.h"
#include "layers/summary.h"

namespace plateau::apps {

void add_summary_command(CLI::App& app) {
  struct Options {
    std::string model = "seed-cnn";
    std::string input_shape = "28,28,1";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("summary", "Print a model's layers, output shapes and parameter counts (Keras style)");
  cmd->add_option("--model", opts->model, "seed-cnn, mlp, vgg-mini, a JSON file or inline JSON")->capture_default_str();
  cmd->add_option("--input-shape", opts->input_shape, "per-sample input shape, Keras order H,W,C")
      ->capture_default_str();
  cmd->callback([opts] {
    const nlohmann::json spec = resolve_model_spec(opts->model);
    const Shape input(parse_shape_list(opts->input_shape, "--input-shape"));
    auto model = build_model(spec, input, 0);
    const std::string name = spec.contains("name") && spec["name"].is_string() ? spec["name"].get<std::string>()
                                                                                 : "sequential";
    std::fputs(summary(*model, name).c_str(), stdout);
  });
}

}  // namespace plateau::apps
