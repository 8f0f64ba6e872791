#pragma once

// The segment structures of the message types aliquot accepts, and a check that a message's
// segments follow them. The structures are HL7 v2.5.1's abstract message syntax (chapter 2,
// section 2.12: [ ] optional, { } repeating, groups nested):
//   ORU^R01  chapter 7, unsolicited observation (results)
//   OUL^R22  chapter 7, specimen-oriented observation, with the IHE Laboratory Analytical
//            Workflow (LAW, LAB-29) additions that analyzers send: INV (reagents) in the result
//            group and repeating INV in the container group
//   OML^O21  chapter 4, laboratory order (the prior-results group is not accepted: it makes the
//            structure ambiguous and aliquot does not take prior results from orders)
//   ORM^O01  chapter 4, general order (order detail limited to OBR: the pharmacy and supply
//            choices are not lab orders)
//   ACK      chapter 2, general acknowledgment (any trigger event)
// interfaces.md "Message structures" summarizes the same structures. Site-defined Z-segments
// are accepted anywhere (section 2.8.x leaves their placement to the sites' agreement).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hl7/message.h"

namespace aliquot::hl7 {

struct StructureProblem {
  // The 0-based index of the segment where the structure breaks; segment_count() when the
  // message ends too early.
  std::size_t segment_index = 0;
  // "not allowed here in ORU^R01: expected ORC or OBR (after PID(1))", or "the message ends,
  // but ...": the segment itself is named by segment_index.
  std::string text;
};

class MessageStructure;

// The structure for a message type (MSH-9.1, MSH-9.2), or nullptr when aliquot does not accept
// it. ACK is found with any trigger event, including none.
const MessageStructure* find_message_structure(std::string_view code, std::string_view trigger);

// "ORU^R01", or "ACK" for acknowledgments.
std::string_view structure_name(const MessageStructure& structure);

// The first place where the message's segments leave `structure`, if any. Only the first: what
// follows a break cannot be placed reliably.
std::optional<StructureProblem> check_structure(const Message& message,
                                                const MessageStructure& structure);

}  // namespace aliquot::hl7
