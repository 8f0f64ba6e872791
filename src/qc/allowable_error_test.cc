#include "qc/allowable_error.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "support/diagnostics.h"
#include "support/temp_directory.h"

namespace aliquot::qc {
namespace {

constexpr std::string_view kHeader = R"toml([allowable_error]
name = "lab TEa"
version = "1"
source = "the lab's quality manual"
)toml";
constexpr int kHeaderLines = 4;

std::vector<std::string> diagnostics_of(const AllowableErrorLoad& outcome) {
  return test_support::error_texts(outcome.diagnostics);
}

// Loads kHeader followed by `body` as tea.toml; `body` line 1 is file line 5.
AllowableErrorLoad load(std::string_view body) {
  return load_allowable_error(std::string(kHeader) + std::string(body), "tea.toml");
}

std::vector<std::string> problems(std::string_view body) { return diagnostics_of(load(body)); }

// "tea.toml:LINE:COLUMN: message" for a line of the body.
std::string at(int body_line, int column, const std::string& message) {
  return test_support::body_position("tea.toml", kHeaderLines, body_line, column, message);
}

TEST(AllowableErrorLoader, ReadsPercentAbsoluteAndBothWithTheirSources) {
  const AllowableErrorLoad outcome = load(R"toml(
[[limit]]
code = "glu"
percent = 8
absolute = 6
unit = "mg/dL"
source = "CLIA"
verify = true
note = "greater applies"

[[limit]]
code = "K"
absolute = 0.3
unit = "mmol/L"
source = "CLIA"

[[limit]]
code = "CL"
percent = 5.5
source = "biological variation, desirable (EFLM)"
)toml");
  ASSERT_TRUE(outcome.table.has_value()) << ::testing::PrintToString(diagnostics_of(outcome));
  const AllowableErrorTable& table = *outcome.table;
  EXPECT_EQ(table.name(), "lab TEa");
  EXPECT_EQ(table.version(), "1");
  EXPECT_EQ(table.source(), "the lab's quality manual");
  ASSERT_EQ(table.limits().size(), 3u);

  const AllowableError* glucose = table.find("Glu");
  ASSERT_NE(glucose, nullptr);
  EXPECT_EQ(glucose->code, "GLU");
  EXPECT_EQ(glucose->percent, 8.0);
  EXPECT_EQ(glucose->absolute, 6.0);
  EXPECT_EQ(glucose->unit, "mg/dL");
  EXPECT_EQ(glucose->verification, Verification::kToVerify);
  EXPECT_EQ(glucose->note, "greater applies");
  EXPECT_EQ(glucose->line, 2 + kHeaderLines);

  const AllowableError* potassium = table.find("K");
  ASSERT_NE(potassium, nullptr);
  EXPECT_FALSE(potassium->percent.has_value());
  EXPECT_EQ(potassium->absolute, 0.3);
  EXPECT_EQ(potassium->verification, Verification::kChecked);

  const AllowableError* chloride = table.find("CL");
  ASSERT_NE(chloride, nullptr);
  EXPECT_EQ(chloride->percent, 5.5);
  EXPECT_FALSE(chloride->absolute.has_value());
  EXPECT_EQ(chloride->unit, "");
  EXPECT_EQ(chloride->source, "biological variation, desirable (EFLM)");

  EXPECT_EQ(table.find("NA"), nullptr);
}

TEST(AllowableErrorLoader, NamesAnUnknownKeyWithTheNearestKnownOne) {
  EXPECT_EQ(
      problems(R"toml(
[[limit]]
code = "GLU"
percnt = 8
source = "CLIA"
)toml"),
      (std::vector<std::string>{
          at(2, 1, "limit 'GLU' has neither 'percent' nor 'absolute': give at least one of them"),
          at(4, 1, "unknown key 'percnt' in limit 'GLU' (did you mean 'percent'?)"),
      }));
}

TEST(AllowableErrorLoader, RefusesALimitThatIsNotGreaterThanZero) {
  EXPECT_EQ(problems(R"toml(
[[limit]]
code = "GLU"
percent = -8
absolute = 0
unit = "mg/dL"
source = "CLIA"
)toml"),
            (std::vector<std::string>{
                at(4, 11, "key 'percent' of limit 'GLU' must be greater than 0, not -8"),
                at(5, 12, "key 'absolute' of limit 'GLU' must be greater than 0, not 0"),
            }));
}

TEST(AllowableErrorLoader, RefusesAnEntryWithNeitherPercentNorAbsolute) {
  EXPECT_EQ(
      problems(R"toml(
[[limit]]
code = "NA"
source = "CLIA"
)toml"),
      (std::vector<std::string>{
          at(2, 1, "limit 'NA' has neither 'percent' nor 'absolute': give at least one of them")}));
}

TEST(AllowableErrorLoader, RefusesACodeListedTwiceIgnoringLetterCase) {
  EXPECT_EQ(problems(R"toml(
[[limit]]
code = "K"
absolute = 0.3
unit = "mmol/L"
source = "CLIA"

[[limit]]
code = "k"
absolute = 0.5
unit = "mmol/L"
source = "CLIA 1992"
)toml"),
            (std::vector<std::string>{
                at(9, 8, "key 'code' of limit 'k' repeats the code of the limit at line 6")}));
}

TEST(AllowableErrorLoader, NeedsTheUnitOfAnAbsoluteLimitAndOnlyThere) {
  EXPECT_EQ(problems(R"toml(
[[limit]]
code = "CREAT"
percent = 10
absolute = 0.2
source = "CLIA"

[[limit]]
code = "CL"
percent = 5
unit = "mmol/L"
source = "CLIA"
)toml"),
            (std::vector<std::string>{
                at(2, 1,
                   "limit 'CREAT' is missing required key 'unit' (the unit of 'absolute', as the "
                   "catalog test reports it)"),
                at(11, 8,
                   "key 'unit' of limit 'CL' is given without 'absolute': it is the unit of the "
                   "absolute limit"),
            }));
}

TEST(AllowableErrorLoader, NeedsASourceAndATestCode) {
  EXPECT_EQ(
      problems(R"toml(
[[limit]]
code = "GLU 2"
percent = 8
)toml"),
      (std::vector<std::string>{
          at(2, 1, "limit 'GLU 2' is missing required key 'source'"),
          at(3, 8, "key 'code' of limit 'GLU 2' must be a test code (letters, digits and '-')"),
      }));
}

TEST(AllowableErrorLoader, ReportsAWrongTypeAndASyntaxErrorAtTheirPlace) {
  EXPECT_EQ(problems(R"toml(
[[limit]]
code = "ALB"
percent = "8%"
source = "CLIA"
verify = "yes"
)toml"),
            (std::vector<std::string>{
                at(4, 11, "key 'percent' of limit 'ALB' must be a number, not a string"),
                at(6, 10, "key 'verify' of limit 'ALB' must be true or false, not a string"),
            }));
  const std::vector<std::string> syntax = problems("[[limit]\n");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_EQ(syntax[0].rfind("tea.toml:5:", 0), 0u) << syntax[0];
  EXPECT_NE(syntax[0].find("TOML syntax error"), std::string::npos) << syntax[0];
}

TEST(AllowableErrorLoader, NeedsTheHeaderAndAtLeastOneLimit) {
  EXPECT_EQ(diagnostics_of(load_allowable_error("", "empty.toml")),
            (std::vector<std::string>{
                "empty.toml: the file has no [allowable_error] table with its name, version and "
                "source",
                "empty.toml: the file defines no limits ([[limit]])",
            }));
}

TEST(AllowableErrorLoader, NamesAFileItCannotRead) {
  test_support::TempDirectory directory{"aliquot-tea"};
  const std::string missing = directory.path() + "/none.toml";
  EXPECT_EQ(diagnostics_of(load_allowable_error_file(missing)),
            (std::vector<std::string>{
                missing + ": cannot read the allowable-error file: No such file or directory"}));
}

TEST(DefaultAllowableError, LoadsAndCitesASectionOfTheRegulationForEveryEntry) {
  const AllowableErrorLoad outcome =
      load_allowable_error(default_allowable_error_text(), kDefaultAllowableErrorFileName);
  ASSERT_TRUE(outcome.table.has_value()) << ::testing::PrintToString(diagnostics_of(outcome));
  EXPECT_GE(outcome.table->limits().size(), 25u);
  for (const AllowableError& limit : outcome.table->limits()) {
    EXPECT_EQ(limit.source.rfind("42 CFR 493.9", 0), 0u) << limit.code << ": " << limit.source;
  }
  // A few cells as qc.md tabulates them.
  const AllowableError* glucose = outcome.table->find("GLU");
  ASSERT_NE(glucose, nullptr);
  EXPECT_EQ(describe(*glucose), "8% or 6 mg/dL, the greater");
  const AllowableError* potassium = outcome.table->find("K");
  ASSERT_NE(potassium, nullptr);
  EXPECT_EQ(describe(*potassium), "0.3 mmol/L");
  const AllowableError* platelets = outcome.table->find("PLT");
  ASSERT_NE(platelets, nullptr);
  EXPECT_EQ(describe(*platelets), "25%");
}

AllowableError limit_of(std::optional<double> percent, std::optional<double> absolute) {
  AllowableError limit;
  limit.code = "GLU";
  limit.percent = percent;
  limit.absolute = absolute;
  limit.unit = absolute ? "mg/dL" : "";
  return limit;
}

TEST(TeaPercentAt, TakesTheGreaterOfPercentAndAbsoluteAroundTheCrossover) {
  // Glucose 8% or 6 mg/dL: 6 / C x 100 = 8 at C = 75 mg/dL.
  const AllowableError glucose = limit_of(8, 6);
  Result<TeaAt> low = tea_percent_at(glucose, 50);  // 6 / 50 = 12%
  ASSERT_TRUE(low.has_value());
  EXPECT_DOUBLE_EQ(low->percent, 12.0);
  EXPECT_EQ(low->part, TeaPart::kAbsolute);

  Result<TeaAt> crossover = tea_percent_at(glucose, 75);
  ASSERT_TRUE(crossover.has_value());
  EXPECT_DOUBLE_EQ(crossover->percent, 8.0);
  EXPECT_EQ(crossover->part, TeaPart::kPercent);

  Result<TeaAt> just_below = tea_percent_at(glucose, 74.9);  // 8.0107%
  ASSERT_TRUE(just_below.has_value());
  EXPECT_GT(just_below->percent, 8.0);
  EXPECT_EQ(just_below->part, TeaPart::kAbsolute);

  Result<TeaAt> high = tea_percent_at(glucose, 300);  // 6 / 300 = 2% < 8%
  ASSERT_TRUE(high.has_value());
  EXPECT_DOUBLE_EQ(high->percent, 8.0);
  EXPECT_EQ(high->part, TeaPart::kPercent);
}

TEST(TeaPercentAt, UsesAnAbsoluteOnlyLimitAsAPercentageOfTheConcentration) {
  // Potassium 0.3 mmol/L at 4.0 mmol/L is 7.5%.
  AllowableError potassium = limit_of(std::nullopt, 0.3);
  potassium.code = "K";
  potassium.unit = "mmol/L";
  Result<TeaAt> tea = tea_percent_at(potassium, 4.0);
  ASSERT_TRUE(tea.has_value());
  EXPECT_DOUBLE_EQ(tea->percent, 7.5);
  EXPECT_EQ(tea->part, TeaPart::kAbsolute);

  Result<TeaAt> without = tea_percent_at(potassium, std::nullopt);
  ASSERT_FALSE(without.has_value());
  EXPECT_EQ(without.error().message(),
            "the allowable error of K has an absolute part (0.3 mmol/L), so the TEa in percent "
            "depends on the concentration: give it in mmol/L");
}

TEST(TeaPercentAt, NeedsNoConcentrationForAPercentOnlyLimitButRefusesABadOne) {
  const AllowableError chloride = limit_of(5, std::nullopt);
  Result<TeaAt> tea = tea_percent_at(chloride, std::nullopt);
  ASSERT_TRUE(tea.has_value());
  EXPECT_DOUBLE_EQ(tea->percent, 5.0);
  for (const double bad : {0.0, -1.0, std::nan("")}) {
    Result<TeaAt> refused = tea_percent_at(chloride, bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(tea_percent_at(chloride, 0.0).error().message(),
            "the concentration must be a number greater than 0, not 0");
}

TEST(CheckAgainstTests, NamesAnUnknownCodeAndAUnitThatDiffersFromTheTest) {
  const AllowableErrorLoad outcome = load(R"toml(
[[limit]]
code = "GLU"
percent = 8
absolute = 0.33
unit = "mmol/L"
source = "CLIA"

[[limit]]
code = "GLUC"
percent = 8
source = "CLIA"

[[limit]]
code = "K"
absolute = 0.3
unit = "mmol/L"
source = "CLIA"

[[limit]]
code = "UA-PRO"
percent = 10
source = "lab"
)toml");
  ASSERT_TRUE(outcome.table.has_value()) << ::testing::PrintToString(diagnostics_of(outcome));
  const std::vector<TestUnit> tests = {
      {"GLU", "mg/dL"}, {"K", "mmol/L"}, {"UA-PRO", ""}, {"NA", "mmol/L"}};
  std::vector<std::string> found;
  for (const Error& error : check_against_tests(*outcome.table, tests, "tea.toml")) {
    found.push_back(error.to_string());
  }
  EXPECT_EQ(found, (std::vector<std::string>{
                       at(2, 1,
                          "limit 'GLU' gives its absolute limit in mmol/L but test GLU "
                          "reports mg/dL"),
                       at(9, 1, "limit 'GLUC' names no test of the catalog (did you mean 'GLU'?)"),
                       at(20, 1, "limit 'UA-PRO' is for test UA-PRO, which has no numeric result"),
                   }));
}

}  // namespace
}  // namespace aliquot::qc
