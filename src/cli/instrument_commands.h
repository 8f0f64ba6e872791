#pragma once

// `aliquot instrument task add|retire|reactivate|done` and `aliquot instrument tasks`: the
// calibration and maintenance schedules of the lab's instruments (lab/instrument_tasks.h), the
// log of what was done, and which tasks are due.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_instrument_commands(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
