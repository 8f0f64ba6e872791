#pragma once

// `aliquot calc NAME key=value...`, `aliquot calc list`, `aliquot calc check`: calculated tests
// (eGFR, calculated LDL, anion gap, ...) from the command line, computed by the same engine and
// the same calculations file (calc/) that autoverification uses. They need no lab database.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_calc_command(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
