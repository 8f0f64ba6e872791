#include "report/workbook.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

#include "core/csv.h"
#include "core/text.h"

namespace aliquot::report {
namespace {

constexpr std::size_t kMaxSheetName = 31;
constexpr double kMaxColumnWidth = 60;
// The most characters a cell holds (Excel's specifications and limits; libxlsxwriter refuses
// more).
constexpr std::size_t kMaxCellText = 32767;

std::string cell_text(const Cell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  if (const auto* number = std::get_if<double>(&cell)) return core::number_text(*number);
  if (const auto* day = std::get_if<core::Date>(&cell)) return core::format_date(*day);
  return "";
}

Result<void> check_sheets(const std::vector<Sheet>& sheets) {
  std::set<std::string> names;
  for (const Sheet& sheet : sheets) {
    if (sheet.name.empty() || sheet.name.size() > kMaxSheetName ||
        sheet.name.find_first_of("[]:*?/\\") != std::string::npos) {
      return invalid_argument("sheet name '" + sheet.name +
                              "': 1 to 31 characters, none of []:*?/\\");
    }
    if (!names.insert(core::ascii_lower(sheet.name)).second) {
      return invalid_argument("sheet name '" + sheet.name + "' is used twice");
    }
    for (std::size_t row = 0; row < sheet.rows.size(); ++row) {
      if (sheet.rows[row].size() != sheet.columns.size()) {
        return invalid_argument("sheet '" + sheet.name + "', row " + std::to_string(row + 1) +
                                ": " + std::to_string(sheet.rows[row].size()) + " cells for " +
                                std::to_string(sheet.columns.size()) + " columns");
      }
      for (std::size_t column = 0; column < sheet.columns.size(); ++column) {
        const auto* text = std::get_if<std::string>(&sheet.rows[row][column]);
        if (text != nullptr && text->size() > kMaxCellText) {
          return invalid_argument("sheet '" + sheet.name + "', row " + std::to_string(row + 1) +
                                  ", " + sheet.columns[column] + ": " +
                                  std::to_string(text->size()) +
                                  " characters, more than a spreadsheet cell holds (32767)");
        }
      }
    }
  }
  return ok();
}

// Closing is what writes the file; a workbook abandoned part-way is closed (libxlsxwriter frees
// it only then) and what it wrote is removed, so that a failed write leaves no file.
struct AbandonedWorkbook {
  std::filesystem::path path;
  void operator()(lxw_workbook* workbook) const {
    if (workbook == nullptr) return;
    workbook_close(workbook);
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

// Tracks the first libxlsxwriter error with where it happened.
class Writing {
 public:
  void check(lxw_error error, const std::string& where) {
    if (error != LXW_NO_ERROR && !failure_) {
      failure_ = where + ": " + lxw_strerror(error);
    }
  }
  Result<void> result(const std::filesystem::path& path) const {
    if (!failure_) return ok();
    return unavailable("cannot write the workbook " + path.string() + ": " + *failure_);
  }

 private:
  std::optional<std::string> failure_;
};

double cell_display_width(const Cell& cell) {
  if (std::holds_alternative<core::Date>(cell)) return 11;
  // Characters, not bytes: continuation bytes of UTF-8 take no room.
  const std::string text = cell_text(cell);
  return static_cast<double>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void write_sheet(lxw_workbook* workbook, const Sheet& sheet, lxw_format* header,
                 lxw_format* day_format, Writing& writing) {
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook, sheet.name.c_str());
  if (worksheet == nullptr) {
    writing.check(LXW_ERROR_SHEETNAME_ALREADY_USED, "sheet '" + sheet.name + "'");
    return;
  }
  std::vector<double> widths(sheet.columns.size(), 8);
  for (std::size_t column = 0; column < sheet.columns.size(); ++column) {
    writing.check(worksheet_write_string(worksheet, 0, static_cast<lxw_col_t>(column),
                                         sheet.columns[column].c_str(), header),
                  "sheet '" + sheet.name + "', header");
    widths[column] = std::max(widths[column], cell_display_width(sheet.columns[column]) + 2);
  }
  for (std::size_t row = 0; row < sheet.rows.size(); ++row) {
    const auto sheet_row = static_cast<lxw_row_t>(row + 1);
    for (std::size_t column = 0; column < sheet.columns.size(); ++column) {
      const Cell& cell = sheet.rows[row][column];
      const auto sheet_column = static_cast<lxw_col_t>(column);
      const std::string where = "sheet '" + sheet.name + "', row " + std::to_string(row + 2) +
                                ", " + sheet.columns[column];
      if (const auto* text = std::get_if<std::string>(&cell)) {
        // Text is written as text, never as a formula, whatever it starts with.
        writing.check(
            worksheet_write_string(worksheet, sheet_row, sheet_column, text->c_str(), nullptr),
            where);
      } else if (const auto* number = std::get_if<double>(&cell)) {
        writing.check(worksheet_write_number(worksheet, sheet_row, sheet_column, *number, nullptr),
                      where);
      } else if (const auto* day = std::get_if<core::Date>(&cell)) {
        lxw_datetime value{};
        value.year = static_cast<int>(day->year());
        value.month = static_cast<int>(static_cast<unsigned>(day->month()));
        value.day = static_cast<int>(static_cast<unsigned>(day->day()));
        writing.check(
            worksheet_write_datetime(worksheet, sheet_row, sheet_column, &value, day_format),
            where);
      }
      widths[column] =
          std::min(kMaxColumnWidth, std::max(widths[column], cell_display_width(cell) + 1));
    }
  }
  for (std::size_t column = 0; column < widths.size(); ++column) {
    const auto sheet_column = static_cast<lxw_col_t>(column);
    writing.check(
        worksheet_set_column(worksheet, sheet_column, sheet_column, widths[column], nullptr),
        "sheet '" + sheet.name + "', column widths");
  }
  worksheet_freeze_panes(worksheet, 1, 0);
  if (!sheet.columns.empty()) {
    writing.check(worksheet_autofilter(worksheet, 0, 0, static_cast<lxw_row_t>(sheet.rows.size()),
                                       static_cast<lxw_col_t>(sheet.columns.size() - 1)),
                  "sheet '" + sheet.name + "', filter");
  }
}

}  // namespace

Result<void> write_xlsx(const std::vector<Sheet>& sheets, const WorkbookProperties& properties,
                        const std::filesystem::path& path) {
  ALIQUOT_RETURN_IF_ERROR(check_sheets(sheets));
  const std::filesystem::path directory = path.parent_path();
  std::error_code ignored;
  if (!directory.empty() && !std::filesystem::is_directory(directory, ignored)) {
    return unavailable("cannot write the workbook " + path.string() + ": there is no directory " +
                       directory.string());
  }
  std::unique_ptr<lxw_workbook, AbandonedWorkbook> workbook(workbook_new(path.c_str()),
                                                            AbandonedWorkbook{path});
  if (!workbook) return unavailable("cannot create the workbook " + path.string());

  // libxlsxwriter keeps these pointers until the workbook is closed.
  std::string title = properties.title;
  std::string subject = properties.subject;
  std::string author = properties.author;
  lxw_doc_properties document{};
  document.title = title.data();
  document.subject = subject.data();
  document.author = author.data();
  document.created = static_cast<time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(properties.created.time_since_epoch())
          .count());
  Writing writing;
  writing.check(workbook_set_properties(workbook.get(), &document), "document properties");

  lxw_format* header = workbook_add_format(workbook.get());
  format_set_bold(header);
  lxw_format* day_format = workbook_add_format(workbook.get());
  format_set_num_format(day_format, "yyyy-mm-dd");
  for (const Sheet& sheet : sheets) write_sheet(workbook.get(), sheet, header, day_format, writing);
  ALIQUOT_RETURN_IF_ERROR(writing.result(path));

  const lxw_error closed = workbook_close(workbook.release());
  if (closed != LXW_NO_ERROR) {
    std::filesystem::remove(path, ignored);
    return unavailable("cannot write the workbook " + path.string() + ": " + lxw_strerror(closed));
  }
  return ok();
}

Result<std::string> xlsx_bytes(const std::vector<Sheet>& sheets,
                               const WorkbookProperties& properties) {
  std::string name = (std::filesystem::temp_directory_path() / "aliquot-xlsx-XXXXXX").string();
  const int descriptor = mkstemp(name.data());
  if (descriptor < 0) return unavailable("cannot create a temporary file for the workbook");
  close(descriptor);
  const std::filesystem::path path(name);
  const Result<void> written = write_xlsx(sheets, properties, path);
  std::string bytes;
  if (written) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    bytes = buffer.str();
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!written) return written.error();
  if (bytes.empty()) return unavailable("the workbook written to " + name + " could not be read");
  return bytes;
}

std::string to_csv(const Sheet& sheet) {
  std::string out = core::csv_line(sheet.columns);
  std::vector<std::string> fields;
  for (const std::vector<Cell>& row : sheet.rows) {
    fields.clear();
    for (const Cell& cell : row) {
      std::string text = cell_text(cell);
      if (std::holds_alternative<std::string>(cell) && !text.empty() &&
          std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
        text.insert(0, "'");
      }
      fields.push_back(std::move(text));
    }
    out += core::csv_line(fields);
  }
  return out;
}

const Sheet* find_sheet(const std::vector<Sheet>& sheets, std::string_view name) {
  const std::string wanted = core::ascii_lower(name);
  for (const Sheet& sheet : sheets) {
    if (core::ascii_lower(sheet.name) == wanted) return &sheet;
  }
  return nullptr;
}

}  // namespace aliquot::report
