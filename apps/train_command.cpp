// plateau train: the main job. Until the fit() loop lands it says so and exits non-zero.
#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"

namespace plateau::apps {

void add_train_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("train", "Train a model on Fashion-MNIST (not yet available)");
  cmd->allow_extras();
  cmd->callback([] { throw Error("train: the fit() loop is not implemented yet"); });
}

}  // namespace plateau::apps
