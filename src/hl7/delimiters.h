#pragma once

// The delimiters of one HL7 v2 message. HL7 v2.5.1 section 2.5.4: the field separator is the
// character right after "MSH" (MSH-1) and MSH-2 lists, in this order, the component, repetition,
// escape and subcomponent characters; v2.7 adds a fifth, the truncation character. Every message
// names its own delimiters, so they are read from each message and never assumed.

#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::hl7 {

struct Delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  // v2.7 section 2.5.5.2: the fifth character of MSH-2 ('#' by convention); '\0' when MSH-2 has
  // only four characters, as in v2.5.1.
  char truncation = '\0';

  bool has_truncation() const { return truncation != '\0'; }

  // MSH-2 as written: "^~\&", or "^~\&#" with a truncation character.
  std::string encoding_characters() const;

  // True for the field, component, repetition, escape, subcomponent and truncation characters.
  bool is_delimiter(char c) const {
    return c == field || c == component || c == repetition || c == escape || c == subcomponent ||
           (truncation != '\0' && c == truncation);
  }

  bool operator==(const Delimiters&) const = default;
};

// Whether `delimiters` can be used: each a printable ASCII character that is not a letter, a
// digit or a space (so that segment ids, numbers and text cannot be mistaken for one), and all
// distinct. The error names the offending character and its role (MSH-1 or MSH-2).
Result<void> validate_delimiters(const Delimiters& delimiters);

// Reads the delimiters from the start of a message ("MSH|^~\&|..."). Fails when the message does
// not start with MSH, ends before MSH-1, has an MSH-2 of other than 4 or 5 characters, or names
// delimiters that validate_delimiters() refuses. Errors carry the position MSH, occurrence 1,
// field 1 or 2.
Result<Delimiters> read_delimiters(std::string_view message);

}  // namespace aliquot::hl7
