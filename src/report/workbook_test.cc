#include "report/workbook.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "support/temp_directory.h"
#include "support/xlsx_reader.h"

namespace aliquot::report {
namespace {

using namespace std::chrono_literals;

std::vector<Sheet> two_sheets() {
  return {{"Credentials",
           {"Person", "Credential", "Expires", "Days left"},
           {{std::string("tech1"), std::string("MLT(ASCP)"), core::Date{2024y / 1 / 1}, 39.0},
            {std::string("mls1"), std::string("MLS(ASCP)"), std::monostate{}, std::monostate{}}}},
          {"Notes", {"Person", "Note"}, {{std::string("tech1"), std::string("=1+1")}}}};
}

WorkbookProperties properties() {
  return {"Staff qualifications", "inspection", "aliquot",
          std::chrono::sys_days(2024y / 1 / 2) + 9h};
}

TEST(Workbook, KeepsSheetsInOrderWithTextNumbersAndDaysAsASpreadsheetReadsThem) {
  const Result<std::string> bytes = xlsx_bytes(two_sheets(), properties());
  ASSERT_TRUE(bytes) << bytes.error().message();
  const test_support::XlsxWorkbook book = test_support::read_xlsx(*bytes);
  EXPECT_EQ(book.sheet_names, (std::vector<std::string>{"Credentials", "Notes"}));
  EXPECT_EQ(book.value("Credentials", "A1"), "Person");
  EXPECT_EQ(book.value("Credentials", "D1"), "Days left");
  EXPECT_EQ(book.value("Credentials", "B2"), "MLT(ASCP)");
  EXPECT_TRUE(book.cells.at("Credentials").at("B2").text);
  // A day is Excel's serial day number (2024-01-01 is 45292) in a date format, not text.
  EXPECT_EQ(book.value("Credentials", "C2"), "45292");
  EXPECT_FALSE(book.cells.at("Credentials").at("C2").text);
  EXPECT_NE(book.cells.at("Credentials").at("C2").style, 0);
  EXPECT_EQ(book.value("Credentials", "D2"), "39");
  EXPECT_FALSE(book.cells.at("Credentials").at("D2").text);
  EXPECT_EQ(book.cells.at("Credentials").count("C3"), 0u) << "an empty cell is left out";
  // The header row is bold and frozen, with a filter over the table.
  EXPECT_NE(book.cells.at("Credentials").at("A1").style, 0);
  const std::string& sheet = book.entries.at("xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane ySplit=\"1\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:D3\"/>"), std::string::npos) << sheet;
  EXPECT_NE(book.entries.at("docProps/core.xml").find("Staff qualifications"), std::string::npos);
}

TEST(Workbook, WritesTextThatLooksLikeAFormulaAsText) {
  const Result<std::string> bytes = xlsx_bytes(two_sheets(), properties());
  ASSERT_TRUE(bytes) << bytes.error().message();
  const test_support::XlsxWorkbook book = test_support::read_xlsx(*bytes);
  EXPECT_EQ(book.value("Notes", "B2"), "=1+1");
  EXPECT_TRUE(book.cells.at("Notes").at("B2").text);
  EXPECT_EQ(book.entries.at("xl/worksheets/sheet2.xml").find("<f>"), std::string::npos);
}

TEST(Workbook, TheSameTablesGiveTheSameBytes) {
  const Result<std::string> first = xlsx_bytes(two_sheets(), properties());
  const Result<std::string> second = xlsx_bytes(two_sheets(), properties());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
}

TEST(Workbook, RefusesBadSheetsNamingTheSheetAndWritesNothing) {
  test_support::TempDirectory directory;
  const std::filesystem::path path = directory.file("staff.xlsx");

  std::vector<Sheet> sheets = two_sheets();
  sheets[1].name = "Notes: 2026";
  Result<void> written = write_xlsx(sheets, properties(), path);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(written.error().message().find("'Notes: 2026'"), std::string::npos);

  sheets = two_sheets();
  sheets[1].name = "credentials";
  written = write_xlsx(sheets, properties(), path);
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message().find("used twice"), std::string::npos);

  sheets = two_sheets();
  sheets[0].rows[1].pop_back();
  written = write_xlsx(sheets, properties(), path);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message(), "sheet 'Credentials', row 2: 3 cells for 4 columns");

  sheets = two_sheets();
  sheets[1].rows[0][1] = std::string(40000, 'x');
  written = write_xlsx(sheets, properties(), path);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message(),
            "sheet 'Notes', row 1, Note: 40000 characters, more than a spreadsheet cell holds "
            "(32767)");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Workbook, AFileThatCannotBeWrittenIsUnavailableNamingIt) {
  test_support::TempDirectory directory;
  const std::filesystem::path path = directory.file("missing/staff.xlsx");
  const Result<void> written = write_xlsx(two_sheets(), properties(), path);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(written.error().message().find(path.string()), std::string::npos);
}

TEST(Workbook, OneSheetAsCsvKeepsDaysAndNumbersAndDisarmsFormulas) {
  const std::vector<Sheet> sheets = two_sheets();
  EXPECT_EQ(to_csv(sheets[0]),
            "Person,Credential,Expires,Days left\r\n"
            "tech1,MLT(ASCP),2024-01-01,39\r\n"
            "mls1,MLS(ASCP),,\r\n");
  EXPECT_EQ(to_csv(sheets[1]), "Person,Note\r\ntech1,'=1+1\r\n");
  Sheet negative{"Expiring", {"What", "Days left"}, {{std::string("-5 days"), -5.0}}};
  EXPECT_EQ(to_csv(negative), "What,Days left\r\n'-5 days,-5\r\n") << "numbers stay numbers";
}

TEST(Workbook, FindsASheetByNameWithoutRegardToCase) {
  const std::vector<Sheet> sheets = two_sheets();
  ASSERT_NE(find_sheet(sheets, "notes"), nullptr);
  EXPECT_EQ(find_sheet(sheets, "notes")->name, "Notes");
  EXPECT_EQ(find_sheet(sheets, "Staff"), nullptr);
}

}  // namespace
}  // namespace aliquot::report
