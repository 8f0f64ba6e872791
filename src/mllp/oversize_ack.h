#pragma once

// The answer to a message refused because it is larger than a listener accepts (interfaces.md
// "MLLP": reject beyond the maximum with a clear error). The listener answers it itself, since the
// application never sees the message: an ACK with MSA-1 AR, MSA-3 and ERR-8 saying
// "message exceeds the maximum size of N bytes (received M)", and ERR-3 207 (table 0357 has no
// code for size; "application internal error" is the generic one), severity E.
//
// When the kept first bytes hold the whole MSH segment and it parses, the ACK mirrors it
// (hl7::build_ack: MSA-2 carries the refused message's MSH-10, so that the sender can tell which
// message was refused); otherwise it is built with hl7::build_ack_for_unparsed. Stateless;
// thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/time.h"

namespace aliquot::mllp {

// "message exceeds the maximum size of 1000 bytes (received 5012)".
std::string describe_oversize(std::size_t max_size, std::size_t received_size);

// The AR for a message of `received_size` bytes of which `first_bytes` were kept. `control_id`
// and `time` become the ACK's MSH-10 and MSH-7.
std::string build_oversize_ack(std::string_view first_bytes, std::size_t max_size,
                               std::size_t received_size, const std::string& control_id,
                               core::Instant time);

}  // namespace aliquot::mllp
