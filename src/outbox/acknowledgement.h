#pragma once

// Reading the receiver's reply to a message the outbox sent: did it take it? HL7 v2.5.1 section
// 2.9 (acknowledgment rules) and table 0008 (MSA-1). Our messages ask for an accept
// acknowledgment (MSH-15 AL, hl7/oru_writer.h), so a receiver may answer in original mode
// (AA/AE/AR) or enhanced mode (CA/CE/CR).

#include <string>
#include <string_view>

namespace aliquot::outbox {

enum class AckVerdict {
  kAccepted,    // AA or CA acknowledging our message: delivered
  kRefused,     // AE, AR, CE or CR: the receiver will not take it as sent; a person must look
  kUnreadable,  // not an acknowledgment of our message: whether it arrived is unknown
};

struct AckReading {
  AckVerdict verdict = AckVerdict::kUnreadable;
  // For a refusal, what the receiver said, for a person: "AR: unknown patient; Patient MRN-9 is
  // not known" (MSA-1, MSA-3, then each ERR's ERR-8, else its ERR-3 text or code). For an
  // unreadable reply, why it could not be read.
  std::string explanation;
};

// Reads `reply` as the acknowledgment of the message whose MSH-10 is `control_id`. Accepted
// only when MSA-2 names that message. A refusal with an empty MSA-2 still counts as a refusal:
// a receiver that could not parse our message cannot say which one it was (hl7/ack.h
// build_ack_for_unparsed). Anything else — bytes that do not parse, no MSA, MSA-2 naming another
// message (a late reply to an earlier one), an unknown MSA-1 code — is unreadable.
AckReading read_acknowledgement(std::string_view reply, std::string_view control_id);

}  // namespace aliquot::outbox
