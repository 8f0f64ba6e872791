#pragma once

// `aliquot people ...`: the lab's people. `people competency FILE` tells, from a CSV log of
// competency events (people/competency_log.h), whose competency on which test system is current,
// due or overdue on a day; `people requirements check|show` checks and shows the personnel
// requirements as data (people/requirements.h). They need no lab database.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_people_commands(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
