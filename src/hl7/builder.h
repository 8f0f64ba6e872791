#pragma once

// Builds the bytes of an HL7 v2 message directly, segment by segment (ARCHITECTURE: writers build
// bytes directly). Text given to it is escaped for the active delimiters (hl7/escape.h), so any
// bytes survive a trip through Message::parse() and Value::unescape_to(). Segments always end
// with CR (v2.5.1 section 2.5.2), including the last.
//
//   MessageBuilder b;                                  // delimiters |^~\&
//   b.segment("MSH").field("LAB").field("").field("EHR")     // MSH-3, MSH-4, MSH-5
//    .field_at(9, "ORU").component("R01").component("ORU_R01")
//    .field("MSG00001");                               // MSH-10
//   b.segment("OBX").field("1").field("NM").field("2345-7").component("Glucose")
//    .component("LN").field("").field("95");
//   std::string bytes = b.finish();
//
// Calls that add to a field (repetition, component, subcomponent) apply to the last field
// started. Misuse (a part before any field, field_at() backwards, an invalid segment id) is a
// programming error and is caught by assertions. Not thread-safe.

#include <initializer_list>
#include <string>
#include <string_view>

#include "hl7/delimiters.h"

namespace aliquot::hl7 {

class MessageBuilder {
 public:
  // `delimiters` must pass validate_delimiters().
  explicit MessageBuilder(const Delimiters& delimiters = Delimiters());

  const Delimiters& delimiters() const { return delimiters_; }

  // Starts a segment (ending the previous one with CR). For "MSH" it writes MSH-1 and MSH-2 from
  // the builder's delimiters, so the next field() is MSH-3.
  MessageBuilder& segment(std::string_view id);

  // Starts the next field with `text` (escaped) as its first repetition's first component.
  MessageBuilder& field(std::string_view text);
  // Starts field `number`, leaving the fields between the last one and it empty.
  MessageBuilder& field_at(int number, std::string_view text);
  // Starts field `number` with these components, leaving out empty trailing ones (and the whole
  // field when all are empty): a message carries no runs of delimiters that say nothing.
  MessageBuilder& components_at(int number, std::initializer_list<std::string_view> components);
  // Starts the next field as an explicit null: "" (delete the value at the receiver).
  MessageBuilder& null_field();

  // Adds a repetition to the current field, a component to its current repetition, a
  // subcomponent to its current component.
  MessageBuilder& repetition(std::string_view text);
  MessageBuilder& component(std::string_view text);
  MessageBuilder& subcomponent(std::string_view text);

  // The number of the field last started in the current segment (0 before any; 2 right after
  // segment("MSH")).
  int field_number() const { return field_number_; }

  // The bytes so far, without the CR that will end the current segment.
  std::string_view bytes() const { return bytes_; }

  // Ends the last segment with CR and returns the message; the builder is then empty again, with
  // the same delimiters.
  std::string finish();

 private:
  void start_field();

  Delimiters delimiters_;
  std::string bytes_;
  int field_number_ = 0;
  bool in_segment_ = false;
  bool field_open_ = false;  // a field was started in this segment (MSH-1/2 do not count)
};

}  // namespace aliquot::hl7
