#pragma once

// `aliquot hl7 send FILE --to HOST:PORT [--timeout MS]`: sends every message of an HL7 v2 file
// (plain or MLLP-framed, hl7/splitter.h) to an MLLP listener, one after another on one
// connection, and prints for each its MSH-10 and the ACK's MSA-1 and MSA-3. Exit status 0 when
// every message was accepted (AA or CA), 1 when any was not (AE, AR, CE, CR, or a reply that is
// no ACK), 3 when the connection failed (refused, timeout, closed by the peer).

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace aliquot::cli {

// Adds `send` to the `hl7` command group.
void add_hl7_send_command(CLI::App& hl7_group, CommandSelection& selection);

}  // namespace aliquot::cli
