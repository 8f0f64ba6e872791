#include "report/text_table.h"

#include <algorithm>
#include <utility>

namespace aliquot::report {

std::size_t display_width(std::string_view text) {
  // Continuation bytes of UTF-8 are 10xxxxxx; every other byte starts a code point.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void TextTable::align(std::size_t column, Alignment alignment) {
  if (alignments_.size() <= column) alignments_.resize(column + 1, Alignment::kLeft);
  alignments_[column] = alignment;
}

void TextTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string TextTable::render(std::string_view indent) const {
  std::size_t columns = headers_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<std::size_t> widths(columns, 0);
  const auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(cells[i]));
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  const auto alignment_of = [&](std::size_t column) {
    return column < alignments_.size() ? alignments_[column] : Alignment::kLeft;
  };
  const auto line_of = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    // The last non-empty cell ends the line, so that no line carries trailing spaces.
    std::size_t last = cells.size();
    while (last > 0 && cells[last - 1].empty()) --last;
    for (std::size_t i = 0; i < last; ++i) {
      if (i > 0) line += "  ";
      const std::size_t pad = widths[i] - display_width(cells[i]);
      if (alignment_of(i) == Alignment::kRight) {
        line.append(pad, ' ');
        line += cells[i];
      } else {
        line += cells[i];
        if (i + 1 < last) line.append(pad, ' ');
      }
    }
    line += '\n';
    return line;
  };

  std::string out;
  if (!headers_.empty()) {
    out += line_of(headers_);
    std::vector<std::string> rule;
    for (std::size_t width : widths) rule.emplace_back(width, '-');
    out += line_of(rule);
  }
  for (const auto& row : rows_) out += line_of(row);
  return out;
}

}  // namespace aliquot::report
