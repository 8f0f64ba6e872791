#pragma once

// `aliquot validate autoverification`: validates a set of autoverification rules on a simulated
// lab day before they are put in force (simulate/autoverification_validation.h): the clean
// autoverification rate and every injected error that released itself. It needs no lab database:
// the built-in core menu and default rules unless --catalog FILE and --rules FILE are given. Exit
// status 1 when the target (no injected error autoverified, at least 90 % of the clean results
// autoverified) is not met.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_validate_command(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
