#pragma once

// `aliquot hl7 get|json|check`: an analyst's tools for HL7 v2 message files (one message, many
// messages one after another, or MLLP frames; any line ends). They need no lab database. The
// work is done by hl7/analyst.h; these commands map files, options and outcomes.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_hl7_commands(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
