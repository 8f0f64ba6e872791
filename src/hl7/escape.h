#pragma once

// HL7 v2 escape sequences (v2.5.1 section 2.7). Text that contains a delimiter is sent with the
// delimiter replaced by an escape sequence between two escape characters ('\' below; the real
// one comes from MSH-2).
//
// unescape() decodes, appending to a caller's buffer:
//   \F\ \S\ \T\ \R\ \E\   field, component, subcomponent, repetition separator, escape character
//   \P\                   truncation character (v2.7), only when the message declares one
//   \Xhh...\              the bytes given by an even number (at least two) of hex digits
//   \.br\                 a line break, written as '\n' (formatted text, section 2.7.6)
//   \H\ \N\               start and end of highlighting: dropped, since the output is plain text
//                         and the words highlighted are kept
// Everything else is kept exactly as received, escape characters included: character set
// switches (\Cxxyy\, \Mxxyyzz\), other formatting commands (\.sp\, \.in+4\, ...), locally
// defined escapes (\Zxxx\), malformed hex, an empty sequence (\\) and an escape character with no
// closing one. Nothing is silently lost, and a reader can still see what the sender meant.
//
// escape() is the inverse for one value: the delimiters and the escape character become
// \F\ \S\ \T\ \R\ \E\ (and \P\), CR and LF become \X0D\ and \X0A\ (they would otherwise end the
// segment), and a value that is exactly "" is written \X2222\ so that it is not read as a null.
// Hence unescape(escape(x)) == x for any bytes x.

#include <string>
#include <string_view>

#include "hl7/delimiters.h"

namespace aliquot::hl7 {

// Appends `raw` with its escape sequences decoded to `out`.
void unescape(std::string_view raw, const Delimiters& delimiters, std::string& out);

// Appends `text` escaped for use as one value (field, component or subcomponent) to `out`.
void escape(std::string_view text, const Delimiters& delimiters, std::string& out);

}  // namespace aliquot::hl7
