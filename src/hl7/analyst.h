#pragma once

// The analyst's tools over a whole file or stream of messages — the logic behind
// `aliquot hl7 get|json|check`, kept here so that the command line stays thin. Each streams the
// input through MessageSplitter, parses one message at a time into a reused Message, and writes
// through a BufferedOutput: memory stays flat and speed is the parser's, whatever the input size.
//
// Messages are numbered from 1 in input order; positions are byte offsets in the input. Comment
// and batch envelope lines are skipped (`check` lists them as notes); data outside any message
// and messages that do not parse are counted in the summary (and `check` lists them).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/buffered_output.h"
#include "hl7/message.h"
#include "hl7/path.h"

namespace aliquot::hl7 {

struct RunSummary {
  std::size_t messages = 0;      // messages found (parsed or not)
  std::size_t unparsable = 0;    // messages that did not parse
  std::size_t unrecognized = 0;  // runs of lines outside any message that were not comments
  std::size_t findings = 0;      // check only: problems listed, parse failures included
  // The first unparsable message or unrecognized data, for the command's error line:
  // "message 3 (byte 1234): segment 2 does not start with a segment id ...".
  std::optional<std::string> first_problem;

  bool clean() const { return unparsable == 0 && unrecognized == 0 && findings == 0; }
};

enum class ValueStyle {
  // Escape sequences decoded; then, so that each value stays on one line, a line break is
  // written "\n", a carriage return "\r" and a backslash "\\".
  kText,
  // The bytes as received, escape sequences included (they never hold a line end).
  kRaw,
};

// Calls `visit` for every message in input order with its number (from 1) and the parsed
// message, or nullptr when it does not parse (the summary says why). The Message is reused: it
// is valid only during the call.
RunSummary for_each_message(
    std::string_view input,
    const std::function<void(std::size_t number, const Message* message)>& visit);

// For every message, one line per path with the value at that path (an empty line when the
// message does not reach it, or when the message does not parse).
RunSummary write_values(std::string_view input, const std::vector<Path>& paths, ValueStyle style,
                        BufferedOutput& out);

// A JSON array with one element per message (hl7/json_dump.h), null for a message that does not
// parse.
RunSummary write_json(std::string_view input, BufferedOutput& out);

// One line per problem: "message 2 (byte 1840): OBX(3)-5: ...", parse failures, unclosed MLLP
// frames and unrecognized data included, and one "note:" line per run of skipped comment lines.
RunSummary write_check(std::string_view input, BufferedOutput& out);

}  // namespace aliquot::hl7
