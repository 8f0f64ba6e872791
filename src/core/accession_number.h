#pragma once

// The accession number is a specimen's positive identification on every label, worklist and
// report. Its form is YY + 7-digit yearly sequence + one check character:
// "260000042H". The check character is ISO/IEC 7064 MOD 37-2 (the scheme ISBT 128 uses for
// donation numbers), which catches every single-character substitution and every transposition
// of adjacent characters — the two errors people make when typing an accession by hand.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::core {

// ISO/IEC 7064 MOD 37-2 check character over 0-9 and A-Z; returns one of 0-9, A-Z or '*'.
char mod37_2_check_character(std::string_view body);

class AccessionNumber {
 public:
  static constexpr int kSequenceDigits = 7;
  static constexpr std::int64_t kMaxSequence = 9'999'999;

  // Builds the number for a two-digit year and a sequence number. Refuses sequences out of range
  // and sequences whose check character would be '*': '*' is the start/stop character of Code 39
  // and a shell wildcard, so such numbers are skipped by the allocator (see next_usable_sequence).
  static Result<AccessionNumber> make(int year_two_digits, std::int64_t sequence);

  // Parses and verifies the check character; the error names what is wrong.
  static Result<AccessionNumber> parse(std::string_view text);

  // The smallest sequence >= `sequence` whose check character is not '*'.
  static std::int64_t next_usable_sequence(int year_two_digits, std::int64_t sequence);

  const std::string& text() const { return text_; }
  int year_two_digits() const;
  std::int64_t sequence() const;

  friend bool operator==(const AccessionNumber&, const AccessionNumber&) = default;

 private:
  explicit AccessionNumber(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace aliquot::core
