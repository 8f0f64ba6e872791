#include "core/csv.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

std::vector<std::vector<std::string>> fields_of(std::string_view text) {
  const Result<std::vector<CsvRecord>> records = read_csv(text, "in.csv");
  EXPECT_TRUE(records.has_value()) << records.error().to_string();
  std::vector<std::vector<std::string>> fields;
  if (records.has_value()) {
    for (const CsvRecord& record : *records) fields.push_back(record.fields);
  }
  return fields;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(Csv, ReadsRecordsWithLfOrCrlf) {
  EXPECT_EQ(fields_of("a,b\n1,2\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(fields_of("a,b\r\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(Csv, KeepsEmptyFields) { EXPECT_EQ(fields_of("a,,c,\n"), (Rows{{"a", "", "c", ""}})); }

TEST(Csv, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  EXPECT_EQ(fields_of("\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"),
            (Rows{{"x, y", "say \"hi\"", "two\nlines"}}));
  EXPECT_EQ(fields_of("a,\"\"\n"), (Rows{{"a", ""}}));
}

TEST(Csv, SkipsBlankLinesAndAByteOrderMark) {
  const Result<std::vector<CsvRecord>> records = read_csv("\xEF\xBB\xBFrun\n\n1\r\n\n2\n", "f");
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].fields, std::vector<std::string>{"run"});
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_EQ((*records)[2].line, 5);
}

TEST(Csv, CountsLinesInsideQuotedFields) {
  const Result<std::vector<CsvRecord>> records = read_csv("\"a\nb\",c\nd\n", "f");
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ((*records)[1].line, 3);
}

TEST(Csv, NamesAQuoteLeftOpen) {
  const Result<std::vector<CsvRecord>> records = read_csv("a,b\n1,\"2\n", "qc.csv");
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error().to_string(), "qc.csv:2:3: quote not closed");
}

TEST(Csv, NamesTextAfterAClosingQuote) {
  const Result<std::vector<CsvRecord>> records = read_csv("\"a\"b,c\n", "qc.csv");
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error().to_string(), "qc.csv:1:4: text after the closing quote of a field");
}

TEST(Csv, TakesAQuoteInsideAnUnquotedFieldAsText) {
  EXPECT_EQ(fields_of("5\" tube,x\n"), (Rows{{"5\" tube", "x"}}));
}

TEST(Csv, WritesALineThatReadsBackAsTheSameFields) {
  EXPECT_EQ(csv_line({"a", "b c", ""}), "a,b c,\r\n");
  const std::vector<std::string> awkward = {"MLT(ASCP), 123", "say \"hi\"", "two\nlines"};
  EXPECT_EQ(csv_line(awkward), "\"MLT(ASCP), 123\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  EXPECT_EQ(fields_of(csv_line(awkward)), Rows{awkward});
}

}  // namespace
}  // namespace aliquot::core
