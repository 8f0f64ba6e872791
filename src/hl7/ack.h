#pragma once

// Acknowledgment messages (ACK) for HL7 v2 messages aliquot receives. v2.5.1 section 2.9 and
// chapter 2 "ACK - general acknowledgment": ACK = MSH MSA [ERR...]. The receiver answers every
// message, accepted or not (STYLE.md: the sender is told why), so an ACK can also be built for
// bytes that did not parse at all.
//
// The ACK mirrors the message it acknowledges (section 2.9.2 and interfaces.md,
// "Acknowledgements"):
//   MSH-1/2    the received message's own delimiters, so that the sender reads the ACK as it
//              writes its messages
//   MSH-3/4    the received MSH-5/6 (we answer as the application it addressed)
//   MSH-5/6    the received MSH-3/4
//   MSH-7      the time given by the caller, as DTM with offset
//   MSH-9      ACK^<received MSH-9.2>^ACK
//   MSH-10     the control id given by the caller
//   MSH-11/12  copied from the received message (2.5.1 when it had no version)
//   MSA-1      the acknowledgment code (table 0008); MSA-2 the received MSH-10; MSA-3 the text
//   ERR        one per error: ERR-2 location, ERR-3 condition (table 0357), ERR-4 severity
//              (table 0516), ERR-8 the message for a person
// Nothing here reads a clock or makes up an id: the caller passes both, so ACKs are
// reproducible. Stateless functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "hl7/builder.h"
#include "hl7/message.h"

namespace aliquot::hl7 {

// HL7 table 0008. The original mode codes answer for the application; the enhanced mode
// "commit" codes only say whether the message was safely stored (section 2.9.3).
enum class AckCode {
  kAccept,        // AA
  kError,         // AE: the message was processed and found in error
  kReject,        // AR: not processed (type, version or processing id not supported...)
  kCommitAccept,  // CA
  kCommitError,   // CE
  kCommitReject,  // CR
};
std::string_view to_code(AckCode code);

// HL7 table 0357, message error condition codes (v2.5.1).
enum class ErrorCondition {
  kMessageAccepted = 0,
  kSegmentSequenceError = 100,
  kRequiredFieldMissing = 101,
  kDataTypeError = 102,
  kTableValueNotFound = 103,
  kUnsupportedMessageType = 200,
  kUnsupportedEventCode = 201,
  kUnsupportedProcessingId = 202,
  kUnsupportedVersionId = 203,
  kUnknownKeyIdentifier = 204,
  kDuplicateKeyIdentifier = 205,
  kApplicationRecordLocked = 206,
  kApplicationInternalError = 207,
};
// The table's number as text: "207".
std::string to_code(ErrorCondition condition);
// The table's description: "Application internal error".
std::string_view describe(ErrorCondition condition);

// HL7 table 0516 (ERR-4): E error, W warning, I information.
enum class ErrorSeverity { kError, kWarning, kInformation };
std::string_view to_code(ErrorSeverity severity);

// ERR-2 (ERL data type): where in the acknowledged message the error is. Numbers are 1-based;
// 0 leaves the component empty (not known, or the error is about the whole segment or field).
struct ErrorLocation {
  std::string segment;  // segment id, e.g. "OBX"
  int occurrence = 0;   // ERL-2: which OBX (1 for the first)
  int field = 0;        // ERL-3
  int repetition = 0;   // ERL-4
  int component = 0;    // ERL-5
};

// One ERR segment.
struct AckError {
  ErrorCondition condition = ErrorCondition::kApplicationInternalError;
  ErrorSeverity severity = ErrorSeverity::kError;
  std::optional<ErrorLocation> location;
  std::string user_message;  // ERR-8: what a person at the sending side should read
};

// What the receiving application says about a message.
struct AckContent {
  AckCode code = AckCode::kAccept;
  std::string text;  // MSA-3; empty leaves it out
  std::vector<AckError> errors;
  std::string control_id;  // MSH-10 of the ACK
  core::Instant time{};    // MSH-7 of the ACK
};

// The ACK for `received`, a message that parsed (hl7/message.h). Never fails: fields the
// received message lacks are left empty (MSA-2 empty when it had no MSH-10).
std::string build_ack(const Message& received, const AckContent& content);

// The first segments of a response that carries more than an acknowledgment (an order response,
// hl7/order_response.h): MSH as build_ack() writes it but with MSH-9 `message_type`
// (code^trigger^structure, e.g. ORL^O22^ORL_O22), then MSA and the ERR segments. `builder` must
// be empty and made with received.delimiters(); the caller adds the response's own segments and
// finishes it.
void start_response(MessageBuilder& builder, const Message& received, const AckContent& content,
                    std::string_view code, std::string_view trigger, std::string_view structure);

// The ACK for bytes that are not a message aliquot could parse (no usable MSH): default
// delimiters |^~\&, MSH-3..6 and MSA-2 empty (we cannot know them), MSH-9 "ACK", MSH-12 2.5.1.
// Use kReject (AR) or kCommitReject (CR) with an error saying why the bytes were refused.
std::string build_ack_for_unparsed(const AckContent& content);

}  // namespace aliquot::hl7
