#pragma once

// `aliquot outbox list|show|retry|destination|setting|settings`: the messages the lab queued to
// send (ARCHITECTURE decision 4; lab/outbound.h), and where released results go. The sender
// itself runs in the server (outbox/sender.h).

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

void add_outbox_commands(CLI::App& app, CommandSelection& selection);

}  // namespace aliquot::cli
