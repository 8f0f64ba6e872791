// `aliquot validate autoverification`: the rules judged on a simulated day, as a script would run
// it: the JSON report must add up, and the exit status must say whether the target was met.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

class ValidateCommand : public ::testing::Test {
 protected:
  CommandOutput validate(std::vector<std::string> args) {
    args.insert(args.begin(), {"validate", "autoverification"});
    return runner_.run_raw(args);
  }

  CliRunner runner_;
};

TEST_F(ValidateCommand, PrintsAReportWhoseNumbersAddUpAndExitsByTheTarget) {
  const CommandOutput output = validate({"--patients", "40", "--seed", "11", "--json"});
  ASSERT_TRUE(output.exit_code == 0 || output.exit_code == 1) << shown(output);
  const nlohmann::json report = nlohmann::json::parse(output.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << shown(output);

  EXPECT_EQ(report["options"]["patients"], 40);
  EXPECT_EQ(report["options"]["seed"], 11);
  const nlohmann::json& clean = report["clean"];
  const int results = clean["results"];
  const int autoverified = clean["autoverified"];
  ASSERT_GT(results, 0);
  EXPECT_LE(autoverified, results);
  const double rate = clean["rate"];
  EXPECT_GE(rate, 0.0);
  EXPECT_LE(rate, 1.0);
  EXPECT_DOUBLE_EQ(rate, double(autoverified) / results);
  int section_results = 0;
  for (const nlohmann::json& section : clean["sections"]) {
    section_results += section["results"].get<int>();
    EXPECT_LE(section["autoverified"].get<int>(), section["results"].get<int>());
    EXPECT_GE(section["rate"].get<double>(), 0.0);
    EXPECT_LE(section["rate"].get<double>(), 1.0);
  }
  EXPECT_EQ(section_results, results);

  const std::set<std::string> expected_classes = {
      "sample-swap", "hemolysis",    "iv-fluid-contamination", "instrument-flag",
      "failed-qc",   "absurd-value", "dilution-error",         "past-stability"};
  std::set<std::string> classes;
  int wrongly_total = 0;
  for (const nlohmann::json& injected : report["injected"]) {
    const std::string name = injected["class"];
    SCOPED_TRACE(name);
    classes.insert(name);
    const int affected = injected["affected_results"];
    const int wrongly = injected["wrongly_autoverified"];
    EXPECT_GT(injected["specimens"].get<int>(), 0);
    EXPECT_GE(affected, wrongly);
    EXPECT_GE(wrongly, injected["within_delta_limit"].get<int>());
    int misses = 0;
    for (const auto& [test, count] : injected["misses_by_test"].items()) misses += count.get<int>();
    EXPECT_EQ(misses, wrongly);
    wrongly_total += wrongly;
  }
  EXPECT_EQ(classes, expected_classes);
  EXPECT_EQ(report["wrongly_autoverified"], wrongly_total);

  const bool met = report["target"]["met"];
  EXPECT_EQ(met, wrongly_total == 0 && rate >= 0.9);
  EXPECT_EQ(output.exit_code, met ? 0 : 1) << shown(output);
  if (!met) {
    EXPECT_NE(output.err.find("autoverification target not met"), std::string::npos);
  }
  EXPECT_EQ(report["published_rates"].size(), 3u);

  // It needs no lab database and makes none.
  EXPECT_FALSE(std::filesystem::exists(runner_.database_path()));
}

TEST_F(ValidateCommand, TextReportEndsWithTheTargetLine) {
  const CommandOutput output = validate({"--patients", "40", "--seed", "11"});
  ASSERT_TRUE(output.exit_code == 0 || output.exit_code == 1) << shown(output);
  const std::string met =
      "target: 0 wrongly autoverified and >= 90% of clean results "
      "autoverified: met\n";
  const std::string not_met =
      "target: 0 wrongly autoverified and >= 90% of clean results "
      "autoverified: NOT met\n";
  const std::string& expected = output.exit_code == 0 ? met : not_met;
  ASSERT_GE(output.out.size(), expected.size()) << shown(output);
  EXPECT_EQ(output.out.substr(output.out.size() - expected.size()), expected);
  EXPECT_NE(output.out.find("Clean day: "), std::string::npos);
}

TEST_F(ValidateCommand, RulesWithAutoverificationOffReleaseNothing) {
  const std::string rules = runner_.write_file("off.toml", R"toml([rules]
name = "all off"
version = "1"

[[discipline]]
section = "chemistry"
autoverify = false

[[discipline]]
section = "hematology"
autoverify = false

[[discipline]]
section = "coagulation"
autoverify = false

[[discipline]]
section = "urinalysis"
autoverify = false
)toml");
  const CommandOutput output = validate({"--patients", "30", "--rules", rules, "--json"});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  const nlohmann::json report = nlohmann::json::parse(output.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << shown(output);
  EXPECT_GT(report["clean"]["results"].get<int>(), 0);
  EXPECT_EQ(report["clean"]["autoverified"], 0);
  EXPECT_EQ(report["wrongly_autoverified"], 0);
  EXPECT_EQ(report["target"]["met"], false);
}

TEST_F(ValidateCommand, RefusesABadOptionOrRulesFileWithStatusTwo) {
  const CommandOutput no_patients = validate({"--patients", "0"});
  EXPECT_EQ(no_patients.exit_code, 2) << shown(no_patients);

  const std::string rules = runner_.write_file("bad.toml",
                                               "[rules]\nname = \"x\"\nversion = \"1\"\n"
                                               "[[analyte]]\ntest = \"NOPE\"\n");
  const CommandOutput bad_rules = validate({"--patients", "5", "--rules", rules});
  EXPECT_EQ(bad_rules.exit_code, 2) << shown(bad_rules);
  EXPECT_NE(bad_rules.err.find(rules + " has 1 problem:"), std::string::npos) << shown(bad_rules);
}

}  // namespace
}  // namespace aliquot::cli_test
