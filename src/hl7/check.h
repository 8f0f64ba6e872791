#pragma once

// Validation of a parsed message against what aliquot accepts, for `aliquot hl7 check` and,
// later, the interfaces before they ingest anything. Every finding names the segment (with its
// occurrence) and field, so that an analyst can find it in the message.
//
// What is checked:
//   - the message type (MSH-9) is one aliquot accepts: ORU^R01, OUL^R22, OML^O21, ORM^O01, ACK
//     (hl7/message_structure.h), and the segments follow its structure;
//   - required fields: MSH-9 (message code and, except for ACK, trigger event), MSH-10 (control
//     id), MSH-12 (version); OBR-4.1 (universal service id) and OBX-3.1 (observation identifier)
//     in every such segment; PID-3.1 (patient identifier) in every PID, except in OUL^R22 where
//     analyzers identify the specimen instead and SPM-2.1 (specimen id) is required in every
//     SPM; MSA-1 (a code of HL7 table 0008) and MSA-2 in an ACK;
//   - OBX-2 is given whenever OBX-5 has a value, and when OBX-2 is NM every repetition of OBX-5
//     is a number as the NM data type allows (v2.5.1 section 2.A.47: optional sign, digits,
//     optional decimal point; no exponent, no spaces, no thousands separators).
// A null ("") counts as missing for a required field.

#include <string>
#include <vector>

#include "hl7/message.h"

namespace aliquot::hl7 {

struct Finding {
  std::string segment;  // segment id; empty when the finding is about the message as a whole
  int occurrence = 0;   // 1-based occurrence of the segment id in the message
  int field = 0;        // 0 when about the segment as a whole
  std::string text;

  // "OBX(3)-5: text", "TQ1(1): text", or the text alone.
  std::string to_string() const;
  bool operator==(const Finding&) const = default;
};

// Appends what is wrong with `message` to `findings` (nothing when it is acceptable).
void check_message(const Message& message, std::vector<Finding>& findings);

// Whether `text` is a value of the NM data type (see above).
bool is_hl7_number(std::string_view text);

}  // namespace aliquot::hl7
