// plateau: the command-line program. The only code that catches plateau::Error: it becomes one line
// on stderr and exit code 2 (usage and input errors alike).
#include <cstdio>

#include "apps/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"plateau: train the Fashion-MNIST CNN, swap optimizers and schedules, compare runs, profile kernels"};
  app.require_subcommand(1);
  plateau::apps::add_summary_command(app);
  plateau::apps::add_train_command(app);
  plateau::apps::add_schedule_command(app);
  plateau::apps::add_evaluate_command(app);
  plateau::apps::add_predict_command(app);
  plateau::apps::add_replay_command(app);
  plateau::apps::add_sweep_command(app);
  plateau::apps::add_compare_command(app);
  plateau::apps::add_lr_find_command(app);
  plateau::apps::add_report_command(app);
  plateau::apps::add_profile_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {  // a command that ends early on purpose (an interrupted train)
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "plateau: %s (see plateau --help)\n", e.what());
    return 2;
  } catch (const plateau::Error& e) {
    std::fprintf(stderr, "plateau: %s\n", e.what());
    return 2;
  }
  return 0;
}
