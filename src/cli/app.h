#pragma once

// The `aliquot` command as a library: main() only gathers the process's arguments and
// environment and calls run(), so that the whole command line can be tested in-process.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/time.h"

namespace aliquot::cli {

// The environment variables the command reads.
struct Environment {
  std::optional<std::string> database;  // ALIQUOT_DB: default for --db
  std::optional<std::string> user;      // ALIQUOT_USER: default for --user
};

// The database used when neither --db nor ALIQUOT_DB says otherwise.
inline constexpr const char* kDefaultDatabasePath = "./var/aliquot.db";

// Parses `arguments` (arguments[0] is the program name), runs the command and returns the exit
// status (cli/exit_code.h). Human-readable output and --json documents go to `out`; messages to
// `err` as "aliquot: <message>".
int run(const std::vector<std::string>& arguments, const Environment& environment,
        const core::Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace aliquot::cli
