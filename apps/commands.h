#pragma once
// The subcommands of `plateau`. Each adds itself to the CLI11 app and runs from its callback.

#include <CLI/CLI.hpp>

namespace plateau::apps {

void add_summary_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_schedule_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_lr_find_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_profile_command(CLI::App& app);

// "28,28,1" -> {28,28,1}; error names the text.
std::vector<int64_t> parse_shape_list(const std::string& text, const std::string& option);

}  // namespace plateau::apps
