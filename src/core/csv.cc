#include "core/csv.h"

#include <utility>

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

}  // namespace aliquot::core
