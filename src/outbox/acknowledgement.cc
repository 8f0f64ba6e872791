#include "outbox/acknowledgement.h"

#include <optional>

#include "hl7/message.h"

namespace aliquot::outbox {
namespace {

AckReading unreadable(std::string explanation) {
  return AckReading{AckVerdict::kUnreadable, std::move(explanation)};
}

// What the ERR segments say, for a person: ERR-8 (user message) when given, else ERR-3 (HL7
// table 0357 condition: its text, else its code), else the v2.3 ERR-1 as written.
std::string error_texts(const hl7::Message& ack) {
  std::string texts;
  for (std::size_t occurrence = 1; occurrence <= ack.count("ERR"); ++occurrence) {
    const hl7::Segment err = *ack.find("ERR", static_cast<int>(occurrence));
    std::string text = err.field(8).text();
    if (text.empty()) text = err.field(3).component(2).text();
    if (text.empty()) text = err.field(3).component(1).text();
    if (text.empty()) text = std::string(err.field(1).raw());
    if (!text.empty()) texts += "; " + text;
  }
  return texts;
}

}  // namespace

AckReading read_acknowledgement(std::string_view reply, std::string_view control_id) {
  Result<hl7::Message> parsed = hl7::Message::parse(reply);
  if (!parsed.has_value()) {
    return unreadable("the reply is not an HL7 acknowledgment: " + parsed.error().to_string());
  }
  const hl7::Message& ack = *parsed;
  const std::optional<hl7::Segment> msa = ack.find("MSA");
  if (!msa) return unreadable("the reply has no MSA segment");
  const std::string code = msa->field(1).text();
  const std::string acknowledged = msa->field(2).text();
  const bool accepted = code == "AA" || code == "CA";
  const bool refused = code == "AE" || code == "AR" || code == "CE" || code == "CR";
  if (!accepted && !refused) {
    return unreadable("the reply has an unknown acknowledgment code MSA-1 '" + code + "'");
  }
  if (acknowledged != control_id && !(refused && acknowledged.empty())) {
    return unreadable("the reply acknowledges message '" + acknowledged + "', not '" +
                      std::string(control_id) + "'");
  }
  if (accepted) return AckReading{AckVerdict::kAccepted, ""};
  std::string explanation = code;
  const std::string text = msa->field(3).text();
  if (!text.empty()) explanation += ": " + text;
  const std::string errors = error_texts(ack);
  if (!errors.empty()) explanation += (text.empty() ? ": " + errors.substr(2) : errors);
  return AckReading{AckVerdict::kRefused, std::move(explanation)};
}

}  // namespace aliquot::outbox
