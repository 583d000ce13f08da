// plateau summary --model seed-cnn|mlp|vgg-mini|FILE.json|'<json>' [--input-shape 28,28,1]
#include <cstdio>

#include "apps/commands.h"
#include "plateau/layers/model_spec.h"
#include "plateau/layers/summary.h"

namespace plateau::apps {

void run_summary_command(const CommandOptions& flags) {
  const Options o = flags.resolve();
  const nlohmann::json spec = resolve_model_spec(o.model);
  auto model = build_model(spec, Shape(parse_shape_list(o.input_shape, "--input-shape")), 0);
  const std::string name =
      spec.contains("name") && spec["name"].is_string() ? spec["name"].get<std::string>() : "sequential";
  std::fputs(summary(*model, name).c_str(), stdout);
}

}  // namespace plateau::apps
