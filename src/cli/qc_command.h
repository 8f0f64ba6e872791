#pragma once

// `aliquot qc ...`: quality control from the command line. `qc evaluate` runs the Westgard
// multirule engine (qc/westgard.h) over a CSV of control values; `qc sigma` computes the sigma
// metric and the QC design it calls for (qc/sigma.h); they need no lab database. `qc material`,
// `qc target`, `qc record` and the others work on the lab's own QC (lab/quality_control.h).

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "lab/qc_evaluation_json.h"
#include "qc/westgard.h"

namespace aliquot::cli {

// The `qc` group with all its subcommands.
void add_qc_commands(CLI::App& app, CommandSelection& selection);

// `qc sigma`, added to the `qc` group (cli/qc_sigma_command.cc).
void add_qc_sigma_command(CLI::App& qc, CommandSelection& selection);
// `qc chart` (cli/qc_chart_command.cc).
void add_qc_chart_command(CLI::App& qc, CommandSelection& selection);
// `qc summary` (cli/qc_summary_command.cc).
void add_qc_summary_command(CLI::App& qc, CommandSelection& selection);
// `qc material`, `qc target`, `qc sample-id` (cli/qc_lab_commands.cc).
void add_qc_lab_commands(CLI::App& qc, CommandSelection& selection);
// `qc record`, `qc runs`, `qc correct`, `qc held`, `qc release-held` (cli/qc_run_commands.cc).
void add_qc_run_commands(CLI::App& qc, CommandSelection& selection);
// `qc policy check|show` (cli/qc_policy_command.cc).
void add_qc_policy_command(CLI::App& qc, CommandSelection& selection);

// "2-2s across runs: level 1 run 4 (+2.1 SD), level 1 run 5 (+2.2 SD)"; a long pattern by its
// levels and runs only.
std::string violation_text(const qc::Violation& violation);

// The runs of a control CSV file (qc/control_csv.h), `-` for standard input: every problem of the
// file in one InvalidArgument.
Result<std::vector<qc::ControlRun>> read_control_runs(const std::string& file);

// The rules `qc evaluate` and `qc chart` apply when none are given: the classic multirule for two
// control levels (Westgard 1981), with 1-2s as the warning.
inline constexpr const char* kDefaultControlRules = lab::kDefaultControlRules;

}  // namespace aliquot::cli
