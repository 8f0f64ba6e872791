#include "core/csv.h"

#include <utility>

#include "core/text.h"

namespace aliquot::core {

Result<std::vector<CsvRecord>> read_csv(std::string_view text, const std::string& file) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record{.line = 1, .fields = {}};
  std::string field;
  bool field_started = false;  // the record has a field, even an empty one, at this point
  bool at_field_start = true;
  int line = 1;
  int column = 1;
  const auto end_record = [&] {
    if (field_started || !record.fields.empty()) {
      record.fields.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    field.clear();
    field_started = false;
    at_field_start = true;
    record = CsvRecord{.line = line + 1, .fields = {}};
  };
  const auto error_at = [&](int at_line, int at_column, const std::string& message) {
    return Error(ErrorCode::kInvalidArgument, message, SourcePosition{file, at_line, at_column});
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && at_field_start) {
      // A quoted field runs to the quote that is not doubled.
      const int open_line = line;
      const int open_column = column;
      ++i;
      ++column;
      while (true) {
        if (i >= text.size()) return error_at(open_line, open_column, "quote not closed");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            column += 2;
            continue;
          }
          ++i;
          ++column;
          break;
        }
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
        field += text[i++];
      }
      field_started = true;
      at_field_start = false;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return error_at(line, column, "text after the closing quote of a field");
      }
      continue;
    }
    if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      field_started = true;
      at_field_start = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      end_record();
      ++line;
      column = 0;
    } else if (c == '\n') {
      end_record();
      ++line;
      column = 0;
    } else {
      field += c;
      field_started = true;
      at_field_start = false;
    }
    ++i;
    ++column;
  }
  end_record();
  return records;
}

namespace {

std::string_view without_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    const std::string& field = fields[i];
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
      line += field;
      continue;
    }
    line += '"';
    for (const char c : field) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  return line + "\r\n";
}

CsvColumns find_csv_columns(const CsvRecord& header, const std::vector<std::string_view>& wanted,
                            std::size_t required) {
  CsvColumns columns;
  columns.index.resize(wanted.size());
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = ascii_lower(without_blanks(header.fields[i]));
    for (std::size_t w = 0; w < wanted.size(); ++w) {
      if (name != wanted[w]) continue;
      if (columns.index[w]) columns.problems.push_back("column '" + name + "' is named twice");
      columns.index[w] = i;
    }
  }
  std::vector<std::string> needed;
  for (std::size_t w = 0; w < required && w < wanted.size(); ++w) needed.emplace_back(wanted[w]);
  for (std::size_t w = 0; w < required && w < wanted.size(); ++w) {
    if (!columns.index[w]) {
      columns.problems.push_back("the header has no column '" + std::string(wanted[w]) +
                                 "' (it needs " + join(needed) + ")");
    }
  }
  return columns;
}

std::string csv_field(const CsvRecord& row, const std::optional<std::size_t>& index) {
  if (!index || *index >= row.fields.size()) return {};
  return std::string(without_blanks(row.fields[*index]));
}

}  // namespace aliquot::core
