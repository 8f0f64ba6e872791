#pragma once

// A plain-text table with aligned columns, for terminals and printed reports. Column widths are
// the widest cell (counted in UTF-8 code points, so accented names do not shift the columns);
// columns are separated by two spaces and no line ends in spaces.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aliquot::report {

enum class Alignment { kLeft, kRight };

// Not thread-safe; build, then render.
class TextTable {
 public:
  // An empty `headers` makes a table without a header line (label-like lists).
  explicit TextTable(std::vector<std::string> headers = {});

  // Right-aligns a column (numbers). Columns are left-aligned otherwise.
  void align(std::size_t column, Alignment alignment);

  // A row may have fewer cells than the header (the rest are empty) or more (the header then
  // has empty titles for them).
  void add_row(std::vector<std::string> cells);

  std::size_t row_count() const { return rows_.size(); }

  // Each line is prefixed by `indent` and ends with '\n'. Under the header, a rule of dashes.
  std::string render(std::string_view indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<Alignment> alignments_;
};

// The number of code points in a UTF-8 string: its width on a terminal for the scripts a lab's
// patient names use (combining marks and wide characters are not special-cased).
std::size_t display_width(std::string_view text);

}  // namespace aliquot::report
