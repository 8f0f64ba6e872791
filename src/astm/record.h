#pragma once

// ASTM E1394 / CLSI LIS02-A2 records: delimiters read from the header record, and zero-copy
// access to fields, repeats and components.
//
// Field numbers are 1-based and field 1 is the record type, as LIS02-A2 numbers them ("R-4" is
// the result value). In the header record field 2 is the delimiter definition itself ("\^&"),
// so H-5 is the sender as the standard counts it.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::astm {

// LIS02-A2 section 7.1: the header record's second to fifth characters define the field,
// repeat, component and escape delimiters. The defaults are the usual `H|\^&`; instruments may
// choose others (GeneXpert sends `H|@^\`), so they are always read, never assumed.
struct Delimiters {
  char field = '|';
  char repeat = '\\';
  char component = '^';
  char escape = '&';
};

// The delimiters defined by `header` (an H record). Fails (InvalidArgument) when the record is
// not an H record, is shorter than 5 characters, or two delimiters are the same character.
Result<Delimiters> delimiters_from_header(std::string_view header);

enum class RecordType {
  kHeader,        // H
  kPatient,       // P
  kOrder,         // O
  kResult,        // R
  kComment,       // C
  kQuery,         // Q (request information)
  kManufacturer,  // M
  kScientific,    // S
  kTerminator,    // L
  kUnknown,
};

// The type named by the first character of a record (upper case, as LIS02-A2 defines them).
RecordType record_type(std::string_view record);

// "H", "P", ... for a type; "?" for kUnknown.
std::string_view record_type_letter(RecordType type);

// A view of one record's text (without its CR). Does not own the text: the viewed bytes must
// outlive it. Values returned are views into the text, escapes not decoded. Cheap to copy.
class Record {
 public:
  Record(std::string_view text, Delimiters delimiters) : text_(text), delimiters_(delimiters) {}

  std::string_view text() const { return text_; }
  const Delimiters& delimiters() const { return delimiters_; }
  RecordType type() const { return record_type(text_); }

  // The number of fields (1 for a record holding only its type).
  std::size_t field_count() const;

  // Field `field` (1-based); empty when the record has fewer fields or field < 1.
  std::string_view field(std::size_t field) const;

  // Repeat `repeat` (1-based) of a field; empty when absent.
  std::string_view repeat(std::size_t field, std::size_t repeat) const;

  // Component `component` (1-based) of repeat `repeat` of a field; empty when absent.
  std::string_view component(std::size_t field, std::size_t repeat, std::size_t component) const;

 private:
  std::string_view text_;
  Delimiters delimiters_;
};

// Decodes the LIS02-A2 escape sequences of a value: &F& field, &S& component, &R& repeat,
// &E& escape (written here with `&` as the escape character; the record's own escape character
// is used). Any other sequence, and a lone escape character, is kept as received so that
// nothing of the instrument's text is lost.
std::string unescape(std::string_view value, const Delimiters& delimiters);

}  // namespace aliquot::astm
