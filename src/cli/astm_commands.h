#pragma once

// `aliquot astm decode`: an analyst's tool for stored ASTM (LIS01-A2 / LIS02-A2) byte captures.
// It needs no lab database. The work is done by astm/decode.h; this command maps the file, the
// options and the outcome. The group also holds `aliquot astm simulate`
// (cli/astm_simulate_command.h).

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_astm_commands(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
