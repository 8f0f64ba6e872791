// libFuzzer target for the HL7 v2 parser, splitter, path reader, escaping and checks.
//
// Beyond "does not crash", it asserts the properties the interfaces rely on:
//   - every value read from a message is a view inside the message's bytes;
//   - escape() then unescape() gives back any bytes, with any valid delimiters;
//   - a message built from arbitrary text parses and reads back the same text;
//   - the JSON dump of any message is valid JSON.
// A violated property aborts, which libFuzzer reports as a crash with the input saved.
//
// The same entry point runs over the checked-in corpus in the normal test run
// (tests/hl7/fuzz_corpus_test.cc), so regressions found here stay fixed.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hl7/builder.h"
#include "hl7/check.h"
#include "hl7/escape.h"
#include "hl7/json_dump.h"
#include "hl7/message.h"
#include "hl7/path.h"
#include "hl7/splitter.h"

namespace {

using aliquot::hl7::Delimiters;
using aliquot::hl7::Message;
using aliquot::hl7::Value;

void require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "hl7_parser_fuzz: property violated: %s\n", property);
  std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Reads every part of every field, the way the interfaces and the tools do.
void walk(const Message& message, std::string& scratch) {
  for (const aliquot::hl7::Segment segment : message.segments()) {
    require(inside(segment.text(), message.bytes()), "segment inside message");
    int number = 0;
    for (const Value field : segment.fields()) {
      ++number;
      require(inside(field.raw(), segment.text()), "field inside segment");
      require(field.raw() == segment.field(number).raw(), "iterated field == field(n)");
      for (const Value repetition : field.repetitions()) {
        require(inside(repetition.raw(), field.raw()), "repetition inside field");
        for (const Value component : repetition.components()) {
          require(inside(component.raw(), repetition.raw()), "component inside repetition");
          for (const Value subcomponent : component.subcomponents()) {
            require(inside(subcomponent.raw(), component.raw()), "subcomponent inside component");
            scratch.clear();
            subcomponent.unescape_to(scratch);
          }
        }
      }
      require(number <= segment.field_count(), "field count");
    }
    require(number == segment.field_count(), "field count matches iteration");
  }
}

void round_trip(std::string_view text, const Delimiters& delimiters) {
  std::string escaped;
  aliquot::hl7::escape(text, delimiters, escaped);
  std::string back;
  aliquot::hl7::unescape(escaped, delimiters, back);
  require(back == text, "unescape(escape(x)) == x");

  aliquot::hl7::MessageBuilder builder(delimiters);
  builder.segment("MSH").field(text);
  builder.segment("OBX").field("1").field(text).component(text).subcomponent(text).repetition(text);
  const std::string bytes = builder.finish();
  const aliquot::Result<Message> message = Message::parse(bytes);
  require(message.has_value(), "built message parses");
  require(message->get("MSH-3").value().text() == text, "MSH-3 reads back");
  require(message->get("OBX-2.1").value().text() == text, "OBX-2.1 reads back");
  require(message->get("OBX-2.2.1").value().text() == text, "OBX-2.2.1 reads back");
  require(message->get("OBX-2.2.2").value().text() == text, "OBX-2.2.2 reads back");
  require(message->get("OBX-2(2)").value().text() == text, "OBX-2(2) reads back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string scratch;

  aliquot::hl7::MessageSplitter splitter(input);
  Message message;
  std::vector<aliquot::hl7::Finding> findings;
  while (const std::optional<aliquot::hl7::Chunk> chunk = splitter.next()) {
    require(inside(chunk->bytes, input), "chunk inside input");
    if (chunk->kind != aliquot::hl7::ChunkKind::kMessage) continue;
    if (!message.assign(chunk->bytes)) continue;
    walk(message, scratch);
    std::string json;
    aliquot::hl7::append_json(message, json);
    require(nlohmann::json::accept("[" + json + "]"), "JSON dump is valid JSON");
    findings.clear();
    aliquot::hl7::check_message(message, findings);
    // The message's own delimiters must round-trip any text.
    round_trip(input.substr(0, 64), message.delimiters());
  }

  // The whole input as one message, unsplit: errors are values, never crashes.
  if (message.assign(input)) walk(message, scratch);

  // The first line as a path.
  const std::string_view first_line = input.substr(0, input.find_first_of("\r\n"));
  const aliquot::Result<aliquot::hl7::Path> path = aliquot::hl7::parse_path(first_line);
  if (path) {
    require(aliquot::hl7::parse_path(path->to_string()).value() == *path, "path text round-trips");
    if (message.segment_count() > 0) static_cast<void>(message.get(*path));
  }

  round_trip(input.substr(0, 256), Delimiters());
  return 0;
}
