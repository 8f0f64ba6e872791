#pragma once

// `aliquot rules check [FILE]` and `aliquot rules list [FILE]`: the lab's autoverification rules
// as data (rules/loader.h), checked against the catalog they will be used with. They need no lab
// database: the catalog is the built-in default menu unless --catalog FILE is given.

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_rules_command(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
