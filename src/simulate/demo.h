#pragma once

// `aliquot demo`: a fresh lab with one simulated day of work in it, ready to explore with the
// CLI.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/error.h"
#include "simulate/day_summary.h"

namespace aliquot::simulate {

struct DemoOptions {
  std::string dir = "var";  // the lab database is DIR/aliquot.db
  int patients = 240;
  std::uint64_t seed = 20261121;
};

// Creates DIR when needed, replaces any database at DIR/aliquot.db (with its -wal and -shm
// files), initializes a lab with the default catalog, runs one simulated day through the lab's use
// cases and prints a human summary to `out`, ending with CLI commands to explore the day.
// InvalidArgument for fewer than 1 patient; Unavailable when DIR cannot be created or the old
// database cannot be removed; any error of the day itself, naming the step that failed.
Result<DaySummary> run_demo(const DemoOptions& options, std::ostream& out);

// The database path run_demo uses for `dir`.
std::string demo_database_path(const std::string& dir);

}  // namespace aliquot::simulate
