#pragma once

// Comma-separated values as RFC 4180 defines them, with what spreadsheets and instrument exports
// add: LF or CRLF line ends, a UTF-8 byte order mark, blank lines. Fields may be quoted, with ""
// for a quote inside; a quoted field may hold commas and line breaks.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::core {

struct CsvRecord {
  int line = 0;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

// The records of `text`, blank lines left out. InvalidArgument at FILE:LINE:COLUMN (`file`
// names the input) for a quote left open or text after a closing quote.
Result<std::vector<CsvRecord>> read_csv(std::string_view text, const std::string& file);

// One record as a line of CSV ending in CRLF (RFC 4180): a field with a comma, a quote or a line
// break is quoted, its quotes doubled.
std::string csv_line(const std::vector<std::string>& fields);

// Where named columns stand in a header row: names compared without letter case and surrounding
// blanks, so that a spreadsheet's "Test_System " finds test_system.
struct CsvColumns {
  std::vector<std::optional<std::size_t>> index;  // one per wanted name; empty when absent
  // "column 'date' is named twice", "the header has no column 'date' (it needs person, date)".
  std::vector<std::string> problems;
};
// The first `required` of `wanted` must be there; the others are optional.
CsvColumns find_csv_columns(const CsvRecord& header, const std::vector<std::string_view>& wanted,
                            std::size_t required);

// The field of `row` in column `index` without surrounding blanks; empty when the column is
// absent or the row shorter.
std::string csv_field(const CsvRecord& row, const std::optional<std::size_t>& index);

}  // namespace aliquot::core
