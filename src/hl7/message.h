#pragma once

// One HL7 v2 message, parsed as a view over the bytes received (ARCHITECTURE: parsers are
// zero-copy views). Parsing reads the delimiters from this message's own MSH-1/MSH-2 and builds a
// compact index of where each segment starts and ends; fields and their parts are found by
// scanning on demand (hl7/segment.h, hl7/value.h), so reading a value allocates nothing.
//
// Lifetime: a Message refers to the bytes given to parse() and does not copy them; the caller
// keeps them alive and unchanged while the Message, or any Segment or Value taken from it, is in
// use. Moving a Message is cheap and keeps its views valid. Thread-compatible: concurrent reads
// of one Message are safe.
//
// Accepted input (v2.5.1 section 2.5; interfaces.md): the message starts with "MSH"; segments end
// with CR, LF or CRLF, the last one with or without an end; empty and blank (spaces, tabs) lines
// between segments are ignored. Framing (MLLP bytes, several messages in one stream) is the
// splitter's business (hl7/splitter.h), not the parser's.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "hl7/delimiters.h"
#include "hl7/path.h"
#include "hl7/segment.h"
#include "hl7/value.h"

namespace aliquot::hl7 {

class Message {
 public:
  // Segment offsets are kept in 32 bits: the index stays compact and 4 GiB is far beyond any
  // message an interface accepts (an MLLP listener has its own, much lower, limit).
  static constexpr std::size_t kMaxSize = 0xFFFFFFFFu;

  // A message with no segments; parse() or assign() gives it content.
  Message() = default;

  // Parses `bytes`. Fails when the message does not start with MSH, when MSH-1/MSH-2 are missing
  // or invalid (hl7/delimiters.h), when a line is not a segment (no 3-character upper-case id
  // followed by the field separator or the line end: e.g. an unescaped line break inside a
  // value), when a second MSH appears (two messages in one buffer), or when `bytes` exceeds
  // kMaxSize. The error says which segment (1-based number in the message) and why.
  static Result<Message> parse(std::string_view bytes);

  // parse() into this message, reusing its index's storage (for loops over many messages). On
  // failure the message is left empty.
  Result<void> assign(std::string_view bytes);

  std::string_view bytes() const { return bytes_; }
  const Delimiters& delimiters() const { return delimiters_; }

  std::size_t segment_count() const { return segments_.size(); }
  // Segment `index`, 0-based in message order; index < segment_count(). Segment 0 is MSH.
  Segment segment(std::size_t index) const {
    const Span& span = segments_[index];
    return Segment(bytes_.substr(span.begin, span.end - span.begin), delimiters_);
  }
  Segment header() const { return segment(0); }

  // The `occurrence`-th (1-based) segment with this id, if there is one.
  std::optional<Segment> find(std::string_view id, int occurrence = 1) const;
  // How many segments have this id.
  std::size_t count(std::string_view id) const;
  // Which occurrence of its id segment `index` is (1 for the first OBX, 2 for the second...).
  int occurrence_of(std::size_t index) const;

  // The value at `path`; absent when the message does not reach it.
  Value get(const Path& path) const;
  // As above with the path as text ("OBX(2)-5.1"); fails only when the path is malformed.
  Result<Value> get(std::string_view path) const;

  class SegmentIterator {
   public:
    using value_type = Segment;
    using difference_type = std::ptrdiff_t;
    SegmentIterator() = default;
    SegmentIterator(const Message* message, std::size_t index) : message_(message), index_(index) {}
    Segment operator*() const { return message_->segment(index_); }
    SegmentIterator& operator++() {
      ++index_;
      return *this;
    }
    SegmentIterator operator++(int) {
      SegmentIterator before = *this;
      ++index_;
      return before;
    }
    bool operator==(const SegmentIterator& other) const { return index_ == other.index_; }
    std::size_t index() const { return index_; }

   private:
    const Message* message_ = nullptr;
    std::size_t index_ = 0;
  };
  // All segments in order: `for (Segment segment : message.segments())`.
  struct SegmentRange {
    const Message* message;
    SegmentIterator begin() const { return SegmentIterator(message, 0); }
    SegmentIterator end() const { return SegmentIterator(message, message->segment_count()); }
  };
  SegmentRange segments() const { return SegmentRange{this}; }

 private:
  struct Span {
    std::uint32_t begin;
    std::uint32_t end;
  };

  // Indexes the line [line_start, line_end) of the bytes at `begin` as a segment; blank lines
  // are skipped. False when the line is not an acceptable segment.
  bool add_segment(const char* begin, std::size_t line_start, std::size_t line_end,
                   char field_separator);
  // Why add_segment() refused the line; empties the index.
  Error refuse_line(const char* begin, std::size_t line_start, std::size_t line_end,
                    char field_separator);

  std::string_view bytes_;
  Delimiters delimiters_;
  std::vector<Span> segments_;
};

}  // namespace aliquot::hl7
