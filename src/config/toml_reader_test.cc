#include "config/toml_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/temp_directory.h"

namespace aliquot::config {
namespace {

std::vector<std::string> texts_of(std::vector<Error> errors) {
  std::vector<std::string> out;
  for (const Error& error : errors) out.push_back(error.to_string());
  return out;
}

TEST(ParseToml, ReportsASyntaxErrorAtItsPlace) {
  Diagnostics out("x.toml");
  EXPECT_FALSE(parse("a = 1\nb = = 2\n", out).has_value());
  const std::vector<std::string> problems = texts_of(out.take());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("x.toml:2:", 0), 0u) << problems[0];
  EXPECT_NE(problems[0].find(": TOML syntax error: "), std::string::npos) << problems[0];
}

TEST(Diagnostics, HandsProblemsBackInFileOrderWithWholeFileProblemsLast) {
  Diagnostics out("x.toml");
  out.add({}, "whole file");
  out.add({3, 7}, "third line, later column");
  out.add({3, 1}, "third line");
  out.add({1, 5}, "first line");
  EXPECT_EQ(
      texts_of(out.take()),
      (std::vector<std::string>{"x.toml:1:5: first line", "x.toml:3:1: third line",
                                "x.toml:3:7: third line, later column", "x.toml: whole file"}));
}

TEST(Diagnostics, GivesEveryProblemAsInvalidArgumentWithTheFile) {
  Diagnostics out("x.toml");
  out.add({2, 4}, "bad");
  const std::vector<Error> errors = out.take();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(errors[0].position().has_value());
  EXPECT_EQ(errors[0].position()->file, "x.toml");
  EXPECT_EQ(errors[0].position()->line, 2);
  EXPECT_EQ(errors[0].position()->column, 4);
}

class TableReaderTest : public ::testing::Test {
 protected:
  TableReader reader(std::string_view text) {
    root_ = *parse(text, out_);
    return TableReader(root_, "test 'K'", {"unit", "decimals", "low", "flags", "on", "range"},
                       out_);
  }
  std::vector<std::string> problems() { return texts_of(out_.take()); }

  Diagnostics out_{"x.toml"};
  toml::table root_;
};

TEST_F(TableReaderTest, ReadsEachKindOfValue) {
  TableReader table = reader(
      "unit = \"mmol/L\"\ndecimals = 1\nlow = 3\non = true\nflags = [\"H\", \"L\"]\n"
      "range = { low = 0.5 }\n");
  EXPECT_EQ(table.text("unit", Required::kYes), "mmol/L");
  EXPECT_EQ(table.integer("decimals", Required::kYes), 1);
  EXPECT_EQ(table.number("low", Required::kYes), 3.0);
  EXPECT_EQ(table.boolean("on", Required::kYes), true);
  const auto flags = table.texts("flags", Required::kYes);
  ASSERT_TRUE(flags.has_value());
  ASSERT_EQ(flags->size(), 2u);
  EXPECT_EQ((*flags)[1].text, "L");
  EXPECT_EQ((*flags)[1].where.line, 5);
  EXPECT_EQ((*flags)[1].where.column, 15);
  ASSERT_NE(table.table("range", Required::kYes), nullptr);
  table.report_unknown_keys();
  EXPECT_EQ(problems(), std::vector<std::string>{});
}

TEST_F(TableReaderTest, NamesTheKeyTheTableAndBothTypesOfAWrongValue) {
  TableReader table = reader("unit = 3\ndecimals = 1.5\nlow = \"x\"\non = 1\nrange = 2\n");
  EXPECT_FALSE(table.text("unit", Required::kYes));
  EXPECT_FALSE(table.integer("decimals", Required::kYes));
  EXPECT_FALSE(table.number("low", Required::kYes));
  EXPECT_FALSE(table.boolean("on", Required::kYes));
  EXPECT_EQ(table.table("range", Required::kYes), nullptr);
  EXPECT_EQ(problems(),
            (std::vector<std::string>{
                "x.toml:1:8: key 'unit' of test 'K' must be a string, not an integer",
                "x.toml:2:12: key 'decimals' of test 'K' must be an integer, not a floating-point "
                "number",
                "x.toml:3:7: key 'low' of test 'K' must be a number, not a string",
                "x.toml:4:6: key 'on' of test 'K' must be true or false, not an integer",
                "x.toml:5:9: key 'range' of test 'K' must be a table, not an integer"}));
}

TEST_F(TableReaderTest, ReportsMissingKeysEmptyStringsAndBadArrayElements) {
  TableReader table = reader("unit = \"\"\nflags = [\"H\", \"\", 3]\nlow = nan\n");
  EXPECT_FALSE(table.text("unit", Required::kYes));
  EXPECT_FALSE(table.texts("flags", Required::kYes));
  EXPECT_FALSE(table.number("low", Required::kYes));
  EXPECT_FALSE(table.integer("decimals", Required::kYes));
  table.missing("on", "say whether");
  EXPECT_FALSE(table.text("absent", Required::kNo));
  const std::vector<std::string> found = problems();
  EXPECT_EQ(found, (std::vector<std::string>{
                       "x.toml:1:1: test 'K' is missing required key 'decimals'",
                       "x.toml:1:1: test 'K' is missing required key 'on' (say whether)",
                       "x.toml:1:8: key 'unit' of test 'K' must not be empty",
                       "x.toml:2:15: element 2 of key 'flags' of test 'K' must be a non-empty "
                       "string, not an empty string",
                       "x.toml:2:19: element 3 of key 'flags' of test 'K' must be a non-empty "
                       "string, not an integer",
                       "x.toml:3:7: key 'low' of test 'K' must be a finite number"}));
}

TEST_F(TableReaderTest, SuggestsTheNearestKnownKeyOrListsThemAll) {
  TableReader table = reader("unti = \"g\"\nzzzzzzzz = 1\n");
  table.report_unknown_keys();
  EXPECT_EQ(problems(),
            (std::vector<std::string>{
                "x.toml:1:1: unknown key 'unti' in test 'K' (did you mean 'unit'?)",
                "x.toml:2:1: unknown key 'zzzzzzzz' in test 'K'; allowed keys: unit, decimals, "
                "low, flags, on, range"}));
}

TEST(ReadFile, ReturnsTheBytesOrWhyTheFileCannotBeRead) {
  test_support::TempDirectory directory("toml-reader");
  const std::string path = directory.path() + "/a.toml";
  {
    std::ofstream file(path, std::ios::binary);
    file << "a = 1\r\n";
  }
  const Result<std::string> text = read_file(path);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "a = 1\r\n");
  const Result<std::string> folder = read_file(directory.path());
  ASSERT_FALSE(folder.has_value());
  EXPECT_EQ(folder.error().message(), "it is a directory");
  const Result<std::string> absent = read_file(directory.path() + "/absent.toml");
  ASSERT_FALSE(absent.has_value());
  EXPECT_EQ(absent.error().message(), "No such file or directory");
}

}  // namespace
}  // namespace aliquot::config
