#pragma once

// The structure of a message as JSON, for analysts (`aliquot hl7 json`) and for golden tests.
// Written straight into a buffer, without building a document tree, so that files of gigabytes
// dump at the speed of the disk.
//
// The format, chosen so that the array index is the HL7 number:
//   message    an array of segments, in order
//   segment    an array: element 0 is the segment id, element n is field n. In MSH, element 1 is
//              the field separator and element 2 the encoding characters, both verbatim.
//   field, repetition, component
//              written as a single value when it has no parts below it, else as an array of
//              its parts one level down: a field's parts are its repetitions, a repetition's its
//              components, a component's its subcomponents. The level is given by the depth, so
//              "a~b" is ["a","b"] (two repetitions) and "a^b" is [["a","b"]] (one repetition,
//              two components); "a^b&c" is [["a",["b","c"]]].
//   single value
//              a string with escape sequences decoded (hl7/escape.h), or null for the explicit
//              null "". An empty field is "".
// Bytes that are not valid UTF-8 (e.g. ISO 8859-1 text or hex escapes) are written as U+FFFD:
// the output is always valid JSON; use `aliquot hl7 get --raw` to see the bytes themselves.

#include <string>
#include <string_view>

#include "hl7/message.h"

namespace aliquot::hl7 {

// Appends the message as a JSON array, one segment per line, laid out to sit at the second
// level of an enclosing array ("[\n    [\"MSH\", ...],\n    ...\n  ]").
void append_json(const Message& message, std::string& out);

// Appends `text` as a JSON string literal (quoted, escaped, invalid UTF-8 replaced by U+FFFD).
void append_json_string(std::string_view text, std::string& out);

}  // namespace aliquot::hl7
