// libFuzzer target for the ASTM LIS01-A2 deframer, the record assembler, the frame writer and
// LIS02-A2 record access.
//
// Beyond "does not crash", it asserts the properties the link layer relies on:
//   - the events are the same whether the bytes come all at once or one at a time;
//   - every decoded record is free of CR and comes from at least one frame;
//   - records that can travel in frames, written and decoded again, come back unchanged;
//   - every field read from a record is a view inside the record's text.
// A violated property aborts, which libFuzzer reports as a crash with the input saved.
//
// The same entry point runs over the checked-in corpus in the normal test run
// (tests/astm/fuzz_corpus_test.cc), so regressions found here stay fixed.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "astm/decode.h"
#include "astm/deframer.h"
#include "astm/frame.h"
#include "astm/record.h"

namespace {

using aliquot::astm::Decoded;
using aliquot::astm::Deframer;
using aliquot::astm::Event;

void require(bool condition, const char* property) {
  if (condition) return;
  std::fprintf(stderr, "astm_deframer_fuzz: property violated: %s\n", property);
  std::abort();
}

bool same_events(const std::vector<Event>& a, const std::vector<Event>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].kind != b[i].kind || a[i].offset != b[i].offset ||
        a[i].frame_number != b[i].frame_number || a[i].end != b[i].end || a[i].text != b[i].text) {
      return false;
    }
  }
  return true;
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // A small limit so that the oversized-frame path is reached too.
  Deframer whole(512);
  std::vector<Event> whole_events;
  whole.feed(bytes, whole_events);
  whole.finish(whole_events);
  Deframer piecewise(512);
  std::vector<Event> piece_events;
  for (std::size_t i = 0; i < bytes.size(); ++i) piecewise.feed(bytes.substr(i, 1), piece_events);
  piecewise.finish(piece_events);
  require(same_events(whole_events, piece_events), "byte-at-a-time events equal whole events");
  require(whole.offset() == bytes.size(), "every byte is consumed");

  const Decoded decoded = aliquot::astm::decode_capture(bytes);
  std::vector<std::string> records;
  for (const aliquot::astm::DecodedRecord& record : decoded.records) {
    require(record.text.find('\r') == std::string::npos, "records hold no CR");
    require(!record.text.empty(), "records are not empty");
    require(!record.frame_numbers.empty(), "a record comes from a frame");
    records.push_back(record.text);
  }

  // Writer round trip, for the records that may travel in frames.
  const aliquot::Result<std::vector<std::string>> frames =
      aliquot::astm::write_record_frames(records);
  if (frames.has_value()) {
    std::string stream;
    for (const std::string& frame : *frames) stream += frame;
    const Decoded again = aliquot::astm::decode_capture(stream);
    require(!again.error.has_value(), "written frames decode without error");
    require(again.records.size() == records.size(), "written frames give the same record count");
    for (std::size_t i = 0; i < records.size(); ++i) {
      require(again.records[i].text == records[i], "written records come back unchanged");
    }
  }

  // Record access with the delimiters of the first header, if any.
  aliquot::astm::Delimiters delimiters;
  if (!records.empty()) {
    const aliquot::Result<aliquot::astm::Delimiters> read =
        aliquot::astm::delimiters_from_header(records.front());
    if (read.has_value()) delimiters = *read;
  }
  for (const std::string& text : records) {
    const aliquot::astm::Record record(text, delimiters);
    const std::size_t count = record.field_count();
    for (std::size_t field = 1; field <= count + 1 && field <= 64; ++field) {
      require(inside(record.field(field), text), "fields are views into the record");
      require(inside(record.component(field, 2, 2), text), "components are views into the record");
      const std::string unescaped = aliquot::astm::unescape(record.field(field), delimiters);
      require(unescaped.size() <= record.field(field).size(), "unescaping never grows a value");
    }
    require(record.field(count + 1).empty(), "no field past the last");
  }
  return 0;
}
