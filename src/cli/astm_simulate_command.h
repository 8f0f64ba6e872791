#pragma once

// `aliquot astm simulate --host HOST:PORT --profile FILE [--specimens A,B,...] [--connections N]
// [--rounds N] [--qc-every N] [--delivered-log FILE] [--seed N] [--give-up-after MS]`: plays an
// analyzer (instrument role) against a host's ASTM listener over TCP, for demos, tests and load
// (simulate/analyzer.h). The rack is the specimens given, or the received specimens of the lab
// (--db) with pending tests the profile's analyzer performs; the catalog in force gives the
// values their reference intervals. Prints what was delivered; exit status 1 when anything was
// not acknowledged (given up) or a specimen could not be run.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

// Adds `simulate` to the `astm` command group.
void add_astm_simulate_command(CLI::App& astm_group, CommandSelection& selection);

}  // namespace aliquot::cli
