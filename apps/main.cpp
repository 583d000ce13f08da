// plateau: the command-line program. The only code that catches plateau::Error: it becomes one line
// on stderr and exit code 2 (usage and input errors alike).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/mpi_world.h"
#include "apps/openmp_wait.h"
#include "plateau/core/build_info.h"
#include "plateau/core/error.h"

namespace {

using namespace plateau::apps;

const std::vector<Subcommand> kSubcommands{
    {"train", "Train a model on Fashion-MNIST (defaults: the seed notebook's CNN, Adam 1e-3, batch 128, 12 epochs, "
              "validation_split 0.2)", kTrain, run_train_command},
    {"evaluate", "Loss and accuracy of a weights file on Fashion-MNIST", kEvaluate, run_evaluate_command},
    {"predict", "Per-image class probabilities as CSV", kPredict, run_predict_command},
    {"summary", "Print a model's layers, output shapes and parameter counts (Keras style)", kSummary,
     run_summary_command},
    {"schedule", "Preview a learning-rate schedule without training", kSchedule, run_schedule_command},
    {"replay", "What would these callbacks have done on a past run?", kReplay, run_replay_command},
    {"lr-find", "LR range test: suggest a max learning rate", kLrFind, run_lr_find_command},
    {"sweep", "Run a list of experiments, each into its own run directory", kSweep, run_sweep_command},
    {"compare", "Compare runs (or a sweep): one table, overlay charts", kCompare, run_compare_command},
    {"report", "Write a self-contained HTML report of a run or a sweep", kReport, run_report_command},
    {"profile", "Time a training step layer by layer", kProfile, run_profile_command},
};

// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The closest of `names` to `word`, when it is close enough to be a typo.
std::string closest(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = word.size() / 2 + 2;
  for (const auto& n : names) {
    const size_t d = edit_distance(word, n);
    if (d < best_distance) best = n, best_distance = d;
  }
  return best;
}

// One line for a command line CLI11 could not parse; names the closest subcommand or flag.
std::string usage_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::string message = e.what();
  std::vector<std::string> commands;
  for (const auto& s : kSubcommands) commands.push_back(s.name);
  if (argc >= 2 && argv[1][0] != '-' &&
      std::find(commands.begin(), commands.end(), std::string(argv[1])) == commands.end()) {
    const std::string near = closest(argv[1], commands);
    return "unknown command '" + plateau::printable(argv[1]) + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
           " (commands: " + plateau::join(commands) + ")";
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    std::vector<std::string> flags;
    for (const CLI::Option* opt : sub->get_options())
      for (const auto& name : opt->get_lnames()) flags.push_back("--" + name);
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg.rfind("--", 0) != 0 || std::find(flags.begin(), flags.end(), arg.substr(0, arg.find('='))) != flags.end())
        continue;
      const std::string near = closest(arg, flags);
      if (!near.empty()) message += "; did you mean '" + near + "'?";
      break;
    }
  }
  return message;
}

// "plateau: ", or "plateau: rank 2: " on a process of an MPI job other than rank 0.
std::string error_prefix() {
  const plateau::ProcessGroup* w = world();
  return w && w->rank() != 0 ? "plateau: rank " + std::to_string(w->rank()) + ": " : "plateau: ";
}

int run_command(int argc, char** argv) {
  CLI::App app{"plateau: train the Fashion-MNIST CNN, swap optimizers and schedules, compare runs, profile kernels"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return plateau::build_description(); });
  std::vector<std::unique_ptr<CommandOptions>> options;
  for (const Subcommand& s : kSubcommands) {
    CLI::App* cmd = app.add_subcommand(s.name, s.description);
    options.push_back(std::make_unique<CommandOptions>(*cmd, s.command));
    const CommandOptions* parsed = options.back().get();
    const auto run = s.run;
    cmd->callback([run, parsed] { run(*parsed); });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {  // a command that ends early on purpose (interrupted, NaN loss)
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s%s (see plateau --help)\n", error_prefix().c_str(), usage_error(app, e, argc, argv).c_str());
    return 2;
  } catch (const plateau::Error& e) {
    std::fprintf(stderr, "%s%s\n", error_prefix().c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {  // the last line of defence: a bug, reported in one line all the same
    std::fprintf(stderr, "%sinternal error: %s\n", error_prefix().c_str(), plateau::printable(e.what(), 300).c_str());
    return 70;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  use_short_openmp_spin(argv);  // may run the program again, with GOMP_SPINCOUNT set
  const MpiWorld mpi(&argc, &argv);  // under mpirun or srun: MPI starts here, and every error ends the job
  const int code = run_command(argc, argv);
  // An error on one process (exit 2 or 70) may leave the others waiting for it: end them all. The
  // other early ends (interrupted, NaN loss) are decided by all processes together.
  if (code == 2 || code == 70) abort_world(code);
  return code;
}
