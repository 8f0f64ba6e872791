#pragma once

// Reads back a workbook written as .xlsx, enough for tests to look at what a spreadsheet would
// show: the sheets' names and each cell's value (shared strings resolved, numbers as written).
// Its sheets are taken to be xl/worksheets/sheet1.xml, sheet2.xml, ... in the workbook's order,
// as libxlsxwriter writes them.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aliquot::test_support {

struct XlsxCell {
  std::string value;  // text, or a number as written ("46349")
  bool text = false;
  int style = 0;  // the cell's format index (0: none)
};

struct XlsxWorkbook {
  std::map<std::string, std::string> entries;  // every file of the zip package, by name
  std::vector<std::string> sheet_names;
  std::map<std::string, std::map<std::string, XlsxCell>> cells;  // sheet -> "B2" -> cell

  // The cell's value; "" when the sheet or cell is absent.
  std::string value(const std::string& sheet, const std::string& cell) const;
};

// Fails the running test (ADD_FAILURE) and returns what it could read when `bytes` is not a zip
// package it understands.
XlsxWorkbook read_xlsx(std::string_view bytes);

}  // namespace aliquot::test_support
