#pragma once
// The subcommands of `plateau`, registered from one list (apps/main.cpp). Each takes the options the
// table of apps/options.cpp gives its Command, and runs from them.

#include <string>
#include <vector>

#include "apps/options.h"

namespace plateau::apps {

struct Subcommand {
  const char* name;
  const char* description;
  Command command;
  void (*run)(const CommandOptions& options);
};

void run_train_command(const CommandOptions& options);
void run_sweep_command(const CommandOptions& options);
void run_evaluate_command(const CommandOptions& options);
void run_predict_command(const CommandOptions& options);
void run_lr_find_command(const CommandOptions& options);
void run_profile_command(const CommandOptions& options);
void run_summary_command(const CommandOptions& options);
void run_schedule_command(const CommandOptions& options);
void run_replay_command(const CommandOptions& options);
void run_compare_command(const CommandOptions& options);
void run_report_command(const CommandOptions& options);

// "28,28,1" -> {28,28,1}; error names the text.
std::vector<int64_t> parse_shape_list(const std::string& text, const std::string& option);

}  // namespace plateau::apps
