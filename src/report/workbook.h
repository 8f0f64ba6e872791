#pragma once

// Tables for a spreadsheet: a workbook of named sheets, each a header row and typed cells, written
// as an Office Open XML workbook (.xlsx, by libxlsxwriter) or one sheet as CSV. Dates stay dates
// and numbers stay numbers in the workbook, so that an inspector can sort and filter them.

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace aliquot::report {

// An empty cell, text, a number or a day.
using Cell = std::variant<std::monostate, std::string, double, core::Date>;

struct Sheet {
  std::string name;  // at most 31 characters, none of []:*?/\ (Excel's rules for a sheet name)
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
};

struct WorkbookProperties {
  std::string title;
  std::string subject;
  std::string author;
  // Kept as the workbook's creation time, so that the same tables on the same day give the same
  // file.
  core::Instant created{};
};

// Writes `sheets` in order to `path` (replaced if it exists), the header row bold and frozen,
// with a filter on every column. InvalidArgument naming the sheet for a bad sheet name, a name
// used twice or a row of the wrong length; Unavailable naming the file when it cannot be
// written.
Result<void> write_xlsx(const std::vector<Sheet>& sheets, const WorkbookProperties& properties,
                        const std::filesystem::path& path);

// The same workbook as bytes, written through a private temporary file.
Result<std::string> xlsx_bytes(const std::vector<Sheet>& sheets,
                               const WorkbookProperties& properties);

// One sheet as CSV (core/csv.h): header row, then rows; days as YYYY-MM-DD, numbers in their
// shortest exact form. Text that a spreadsheet would take for a formula (starting with = + - @,
// a tab or a carriage return) is prefixed with ' (OWASP, "CSV injection"), so that opening the
// export never runs what someone typed into a record.
std::string to_csv(const Sheet& sheet);

// The sheet of `sheets` named `name` without regard to letter case; nullptr when none is.
const Sheet* find_sheet(const std::vector<Sheet>& sheets, std::string_view name);

}  // namespace aliquot::report
