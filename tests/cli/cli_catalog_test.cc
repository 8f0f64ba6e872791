// `aliquot catalog check|load`: a lab's own catalog file is checked like source code.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "cli_fixture.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

std::string default_menu_path() { return source_directory() + "/catalog/core-menu.toml"; }

// The line (1-based) of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST(CatalogCheckCommand, AcceptsTheDefaultMenu) {
  CliRunner runner;
  const std::string path = default_menu_path();
  const CommandOutput output = runner.run_raw({"catalog", "check", path});
  EXPECT_EQ(output.exit_code, 0) << ::testing::PrintToString(output);
  EXPECT_TRUE(std::regex_match(
      output.out, std::regex(std::regex_replace(path, std::regex(R"([.+/])"), R"(\$&)") +
                             ": ok, [1-9][0-9]* tests, [1-9][0-9]* panels\n")))
      << output.out;
}

TEST(CatalogCheckCommand, PrintsEveryProblemWithFileAndLineAndExitsOne) {
  CliRunner runner;
  std::string menu = test_support::read_file(default_menu_path());
  // Two mistakes a lab could make: a unit that is not UCUM, and a panel member that is no test.
  const std::string unit = "unit = \"mmol/L\"";
  const std::string broken_unit = "unit = \"millimoles per litre\"";
  const std::string member = "members = [\"NA\", \"K\",";
  const std::string broken_member = "members = [\"NA\", \"KALIUM\",";
  ASSERT_NE(menu.find(unit), std::string::npos);
  ASSERT_NE(menu.find(member), std::string::npos);
  menu.replace(menu.find(unit), unit.size(), broken_unit);
  menu.replace(menu.find(member), member.size(), broken_member);
  const int unit_line = line_of(menu, broken_unit);
  const int member_line = line_of(menu, broken_member);
  const std::string path = runner.write_file("bad-menu.toml", menu);

  const CommandOutput output = runner.run_raw({"catalog", "check", path});
  EXPECT_EQ(output.exit_code, 1) << ::testing::PrintToString(output);
  std::istringstream lines(output.out);
  std::string line;
  std::vector<int> reported_lines;
  const std::regex diagnostic("^" + std::regex_replace(path, std::regex(R"([.+/-])"), R"(\$&)") +
                              ":([0-9]+):([0-9]+): .+$");
  while (std::getline(lines, line)) {
    std::smatch match;
    ASSERT_TRUE(std::regex_match(line, match, diagnostic)) << line;
    reported_lines.push_back(std::stoi(match[1].str()));
  }
  EXPECT_NE(std::find(reported_lines.begin(), reported_lines.end(), unit_line),
            reported_lines.end())
      << "no diagnostic on line " << unit_line << ":\n"
      << output.out;
  EXPECT_NE(std::find(reported_lines.begin(), reported_lines.end(), member_line),
            reported_lines.end())
      << "no diagnostic on line " << member_line << ":\n"
      << output.out;
  EXPECT_THAT(output.out, HasSubstr("KALIUM"));
  EXPECT_EQ(output.err, "aliquot: " + path + ": " + std::to_string(reported_lines.size()) +
                            (reported_lines.size() == 1 ? " problem\n" : " problems\n"));
}

TEST(CatalogCheckCommand, ReportsAFileThatCannotBeRead) {
  CliRunner runner;
  const CommandOutput output =
      runner.run_raw({"catalog", "check", runner.directory() + "/missing.toml", "--json"});
  EXPECT_EQ(output.exit_code, 1) << ::testing::PrintToString(output);
  const nlohmann::json body = nlohmann::json::parse(output.out);
  EXPECT_EQ(body["ok"], false);
  ASSERT_EQ(body["diagnostics"].size(), 1u);
  EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
}

TEST(InitCommand, RefusesAnInvalidCatalogWithEveryProblemAndLeavesNoDatabase) {
  CliRunner runner;
  const std::string bad = runner.write_file("menu.toml", "[catalog]\nname = 3\n");
  const CommandOutput output = runner.run({"init", "--catalog", bad});
  EXPECT_EQ(output.exit_code, 2) << ::testing::PrintToString(output);
  EXPECT_THAT(output.err, HasSubstr(bad + ":2:8: "));
  EXPECT_FALSE(std::filesystem::exists(runner.database_path()));

  const CommandOutput missing = runner.run({"init", "--catalog", runner.directory() + "/none"});
  EXPECT_EQ(missing.exit_code, 2) << ::testing::PrintToString(missing);
  EXPECT_EQ(missing.err, "aliquot: cannot read catalog file '" + runner.directory() + "/none'\n");

  const CommandOutput good =
      runner.run({"init", "--catalog", default_menu_path(), "--lab-name", "North Lab"});
  EXPECT_EQ(good.exit_code, 0) << ::testing::PrintToString(good);
  EXPECT_THAT(good.out, HasSubstr("initialized North Lab at " + runner.database_path()));
}

TEST_F(CliTest, LoadsANewCatalogVersionAndRefusesAnInvalidOne) {
  std::string menu = test_support::read_file(default_menu_path());
  const std::string name = "name = \"Potassium\"";
  ASSERT_NE(menu.find(name), std::string::npos);
  menu.replace(menu.find(name), name.size(), "name = \"Potassium, serum\"");
  const std::string path = lab_.write_file("menu-v2.toml", menu);

  const CommandOutput by_clerk = lab_.run({"catalog", "load", path}, kClerk);
  EXPECT_EQ(by_clerk.exit_code, 1) << ::testing::PrintToString(by_clerk);
  EXPECT_THAT(by_clerk.err, HasSubstr("may not load catalogs"));

  const CommandOutput loaded = succeed({"catalog", "load", path}, kAdmin);
  EXPECT_THAT(loaded.out, HasSubstr("loaded "));
  EXPECT_THAT(succeed({"catalog", "show", "K"}, kClerk).out, HasSubstr("Potassium, serum"));

  const std::string bad = lab_.write_file("menu-bad.toml", "[catalog]\nname = 3\n");
  const CommandOutput refused = lab_.run({"catalog", "load", bad}, kAdmin);
  EXPECT_EQ(refused.exit_code, 2) << ::testing::PrintToString(refused);
  EXPECT_THAT(refused.err, HasSubstr("menu-bad.toml:"));
}

}  // namespace
}  // namespace aliquot::cli_test
