#pragma once

// A view of one piece of an HL7 v2 message: a field, one of its repetitions, a component or a
// subcomponent (v2.5.1 section 2.5.3). A Value is a string_view into the message's bytes plus the
// delimiters needed to split it further; it owns nothing, allocates nothing, and is valid only
// while those bytes are alive. Cheap to copy. Thread-compatible.
//
// Three states that HL7 keeps apart (v2.5.1 section 2.5.3, "null values"):
//   absent   the message does not reach this field or part    exists() false, is_empty() true
//   empty    present but with nothing in it ("not sent")       exists() true,  is_empty() true
//   null     the two characters "" ("delete the value")        is_null() true
// raw() keeps escape sequences; unescape_to() decodes them (hl7/escape.h).
//
// Splitting follows the HL7 rule that a simple value is also the first part of a composite one:
// asking a component for its component 1 (or a field without '^' for its component 1) gives the
// value itself, and a higher number gives an absent value. component() and subcomponent() on a
// field look into its first repetition, as the path "PID-3.1" does.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hl7/delimiters.h"

namespace aliquot::hl7 {

// The levels below the segment.
enum class Level : std::uint8_t { kField, kRepetition, kComponent, kSubcomponent };

// Whether a value may be split by the delimiters. MSH-1 and MSH-2 hold the delimiters themselves
// and are taken verbatim (v2.5.1 section 2.5.4).
enum class Structure : std::uint8_t { kDelimited, kVerbatim };

class Parts;

class Value {
 public:
  // An absent value.
  Value() = default;
  Value(std::string_view raw, const Delimiters& delimiters, Level level,
        Structure structure = Structure::kDelimited)
      : raw_(raw), delimiters_(delimiters), level_(level), structure_(structure), exists_(true) {}

  bool exists() const { return exists_; }
  bool is_empty() const { return raw_.empty(); }
  bool is_null() const { return structure_ == Structure::kDelimited && raw_ == "\"\""; }
  // Present, not empty and not null: there is something to read.
  bool has_value() const { return !is_empty() && !is_null(); }

  // The bytes as received, escape sequences included.
  std::string_view raw() const { return raw_; }
  Level level() const { return level_; }
  Structure structure() const { return structure_; }
  const Delimiters& delimiters() const { return delimiters_; }

  // 1-based. An absent value when the number is below 1 or beyond the last part.
  Value repetition(int number) const;
  Value component(int number) const;
  Value subcomponent(int number) const;

  // The parts one level down, in order: repetitions of a field, components of a repetition,
  // subcomponents of a component. An absent value has none; a present one at least one. On a
  // field, components() and subcomponents() look into the first repetition (and component).
  Parts repetitions() const;
  Parts components() const;
  Parts subcomponents() const;

  // Appends the text with escape sequences decoded (see hl7/escape.h) to `out`; a verbatim value
  // is appended as it is. Delimiters still inside a composite value stay as they are.
  void unescape_to(std::string& out) const;
  // The decoded text as a new string; prefer unescape_to() with a reused buffer in loops.
  std::string text() const;

 private:
  std::string_view raw_;
  Delimiters delimiters_;
  Level level_ = Level::kField;
  Structure structure_ = Structure::kDelimited;
  bool exists_ = false;
};

// The parts of a value one level down, iterated without allocating. Iterators carry everything
// they need, so they stay valid after the Parts that made them is gone, while the message bytes
// are alive.
class Parts {
 public:
  class Iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    Value operator*() const {
      return Value(std::string_view(part_begin_, static_cast<std::size_t>(part_end_ - part_begin_)),
                   delimiters_, level_, structure_);
    }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const {
      return done_ == other.done_ && (done_ || part_begin_ == other.part_begin_);
    }

   private:
    friend class Parts;
    const char* part_begin_ = nullptr;
    const char* part_end_ = nullptr;
    const char* end_ = nullptr;
    Delimiters delimiters_;
    char separator_ = '\0';
    Level level_ = Level::kField;
    Structure structure_ = Structure::kDelimited;
    bool done_ = true;
  };

  // The parts of `text` split at `separator` ('\0': no splitting, one part), each at `level`.
  // An absent text (exists false) has no parts.
  Parts(std::string_view text, bool exists, char separator, const Delimiters& delimiters,
        Level level, Structure structure)
      : text_(text),
        delimiters_(delimiters),
        separator_(separator),
        level_(level),
        structure_(structure),
        exists_(exists) {}

  Iterator begin() const;
  Iterator end() const { return Iterator(); }
  std::size_t size() const;

 private:
  std::string_view text_;
  Delimiters delimiters_;
  char separator_;
  Level level_;
  Structure structure_;
  bool exists_;
};

}  // namespace aliquot::hl7
