#pragma once

// The JSON form of the interfaces' message records (store/messages.h), in the schema of
// lab/json.h: the quarantine of refused messages and the outbox of messages to send, as
// `aliquot --json quarantine|outbox` and the JSON API show them.

#include <nlohmann/json.hpp>

#include "store/messages.h"

namespace aliquot::lab {

// Whether a message's bytes (the HL7 message or ASTM records, the outgoing payload) are included:
// lists leave them out, a single message shows them.
enum class MessageBytes { kLeftOut, kIncluded };

// {"id", "received_at", "channel", "sender", "message_id", "message_type", "peer", "reason",
// "status", "resolved_at", "resolved_by", "resolution"} and "content" when included.
nlohmann::json to_json(const store::QuarantinedMessage& message, MessageBytes bytes);

// {"id", "created_at", "destination", "message_type", "message_id", "subject", "status",
// "attempts", "next_attempt_at", "last_attempt_at", "delivered_at", "last_error"} and "payload"
// when included.
nlohmann::json to_json(const store::OutboxMessage& message, MessageBytes bytes);

}  // namespace aliquot::lab
