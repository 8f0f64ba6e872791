#pragma once

// Comma-separated values as RFC 4180 defines them, with what spreadsheets and instrument exports
// add: LF or CRLF line ends, a UTF-8 byte order mark, blank lines. Fields may be quoted, with ""
// for a quote inside; a quoted field may hold commas and line breaks.

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

}  // namespace aliquot::core
