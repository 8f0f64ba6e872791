#pragma once

// What the store keeps about messages exchanged with instruments and EHRs (ARCHITECTURE
// decisions 1 and 4): the log of messages already applied, which makes ingest idempotent; the
// quarantine of messages that could not be applied, kept for the lab to inspect and replay; and
// the outbox of messages to send, written in the same transaction as the change they report.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"

namespace aliquot::store {

// The channel a message arrived on or leaves by.
enum class Channel { kHl7, kAstm };
std::string_view to_code(Channel channel);  // "hl7", "astm"
Result<Channel> parse_channel(std::string_view text);

// A message that was applied. (channel, sender, message_id) is unique: a sender that repeats a
// message id (HL7 MSH-10) — because our acknowledgement was lost — is acknowledged again from
// this record and nothing is applied twice.
struct AppliedMessage {
  Channel channel = Channel::kHl7;
  std::string sender;      // HL7 MSH-3^MSH-4; ASTM the H-5 sender name
  std::string message_id;  // HL7 MSH-10; ASTM a digest of the records
  core::Instant applied_at{};
  std::string summary;  // what was done, as told in the acknowledgement ("12 results posted")
};

enum class QuarantineStatus {
  kHeld,       // waiting for the lab
  kReplayed,   // applied by a replay after the cause was fixed
  kDiscarded,  // set aside by a person, with a reason
};
std::string_view to_code(QuarantineStatus status);  // "held", "replayed", "discarded"
Result<QuarantineStatus> parse_quarantine_status(std::string_view text);

// A message that was refused, exactly as received, with why.
struct QuarantinedMessage {
  std::int64_t id = 0;
  core::Instant received_at{};
  Channel channel = Channel::kHl7;
  std::string sender;
  std::string message_id;
  std::string message_type;  // "ORU^R01", "OML^O21", ASTM "H-P-O-R-L"...
  std::string peer;          // address it came from ("10.1.2.3:50112", "/dev/ttyS0")
  std::string reason;        // every problem found, one per line
  std::string content;       // the bytes received (HL7 message; ASTM records joined by CR)
  QuarantineStatus status = QuarantineStatus::kHeld;
  std::optional<core::Instant> resolved_at;
  std::string resolved_by;
  std::string resolution;  // replay outcome, or the reason it was discarded
};

enum class OutboxStatus {
  kPending,    // to be delivered (again) at next_attempt_at
  kDelivered,  // the receiver acknowledged it
  kFailed,     // the receiver refused it (AR/AE) or the attempts ran out: a person must look
};
std::string_view to_code(OutboxStatus status);  // "pending", "delivered", "failed"
Result<OutboxStatus> parse_outbox_status(std::string_view text);

// A message to send, written in the transaction of the change it reports. Delivery is
// at-least-once; receivers dedupe by `message_id` (HL7 MSH-10).
struct OutboxMessage {
  std::int64_t id = 0;
  core::Instant created_at{};
  std::string destination;   // a configured destination name ("ehr")
  std::string message_type;  // "ORU^R01"
  std::string message_id;    // MSH-10
  std::string subject;       // what it reports, for people ("24A0000017/K")
  std::string payload;
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  core::Instant next_attempt_at{};
  std::optional<core::Instant> last_attempt_at;
  std::optional<core::Instant> delivered_at;
  std::string last_error;
};

}  // namespace aliquot::store
