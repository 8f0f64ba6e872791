#pragma once

// A view of one segment of an HL7 v2 message: its three-character id and its fields, found by
// scanning on demand (nothing is indexed or allocated). Valid while the message bytes are alive.
// Cheap to copy. Thread-compatible.
//
// Field numbers are 1-based and follow HL7's convention (v2.5.1 section 2.5.4): in every segment
// but MSH, field 1 is the text after the first field separator. In MSH the first field separator
// is itself MSH-1 and the encoding characters are MSH-2, so the text after "MSH|^~\&|" is MSH-3.
// MSH-1 and MSH-2 are verbatim values (Structure::kVerbatim): they are never split or unescaped.

#include <cstddef>
#include <string_view>

#include "hl7/delimiters.h"
#include "hl7/value.h"

namespace aliquot::hl7 {

class FieldRange;

class Segment {
 public:
  Segment() = default;
  // `text` is one segment without its end (CR/LF): at least the 3-character id.
  Segment(std::string_view text, const Delimiters& delimiters)
      : text_(text), delimiters_(delimiters) {}

  std::string_view id() const { return text_.substr(0, 3); }
  std::string_view text() const { return text_; }
  bool is_header() const { return id() == "MSH"; }
  const Delimiters& delimiters() const { return delimiters_; }

  // Field `number` (1-based), absent when the segment has fewer fields or number < 1.
  Value field(int number) const;
  // The number of the last field present (trailing empty fields count: "PID|1||" has 3).
  int field_count() const;
  // Fields 1..field_count() in order.
  FieldRange fields() const;

 private:
  std::string_view text_;
  Delimiters delimiters_;
};

// The fields of a segment in order, without allocating. Iterators stay valid while the message
// bytes are alive.
class FieldRange {
 public:
  class Iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    Value operator*() const;
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const {
      return done_ == other.done_ && (done_ || number_ == other.number_);
    }
    // The field number of the current field.
    int number() const { return number_; }

   private:
    friend class FieldRange;
    const char* part_begin_ = nullptr;
    const char* part_end_ = nullptr;
    const char* end_ = nullptr;
    Delimiters delimiters_;
    int number_ = 0;
    bool header_ = false;
    bool done_ = true;
  };

  explicit FieldRange(const Segment& segment) : segment_(segment) {}
  Iterator begin() const;
  Iterator end() const { return Iterator(); }

 private:
  Segment segment_;
};

inline FieldRange Segment::fields() const { return FieldRange(*this); }

}  // namespace aliquot::hl7
