#include "rules/loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/diagnostics.h"
#include "support/temp_directory.h"

namespace aliquot::rules {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

// A small catalog: numeric, coded and text tests, a panel, three sections.
const catalog::Catalog& test_catalog() {
  static const catalog::Catalog* const menu = [] {
    const catalog::LoadOutcome outcome = catalog::load_catalog(R"toml([catalog]
name = "menu"
version = "1"
[[section]]
code = "chemistry"
name = "Chemistry"
[[section]]
code = "hematology"
name = "Hematology"
[[section]]
code = "urinalysis"
name = "Urinalysis"
[[specimen_type]]
code = "serum"
name = "Serum"
[[specimen_type]]
code = "urine"
name = "Urine"
[[container]]
code = "sst"
name = "Gold top"
draw_order = 3
[[container]]
code = "urine-cup"
name = "Urine cup"
draw_order = 10
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
[[test]]
code = "NA"
name = "Sodium"
loinc = "2951-2"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0
[[test]]
code = "UA-NIT"
name = "Nitrite, urine"
loinc = "5802-4"
section = "urinalysis"
specimen_type = "urine"
container = "urine-cup"
kind = "coded"
answers = ["negative", "positive"]
abnormal_answers = ["positive"]
[[test]]
code = "COMMENT"
name = "Specimen comment"
loinc = "8251-1"
section = "chemistry"
specimen_type = "serum"
container = "sst"
kind = "text"
[[panel]]
code = "LYTES"
name = "Electrolytes"
members = ["NA", "K"]
)toml",
                                                               "menu.toml");
    for (const catalog::Diagnostic& d : outcome.diagnostics) ADD_FAILURE() << d.to_string();
    return new catalog::Catalog(*outcome.catalog);
  }();
  return *menu;
}

constexpr std::string_view kHeader = R"toml([rules]
name = "lab rules"
version = "3"
)toml";
constexpr int kHeaderLines = 3;

std::vector<std::string> diagnostics_of(const LoadOutcome& outcome) {
  return test_support::error_texts(outcome.diagnostics);
}

// Loads kHeader followed by `body` as rules.toml; `body` line 1 is file line 4.
LoadOutcome load(std::string_view body) {
  return load_rules(std::string(kHeader) + std::string(body), "rules.toml", test_catalog());
}

std::vector<std::string> problems(std::string_view body) { return diagnostics_of(load(body)); }

// "rules.toml:LINE:COLUMN: message" for a line of the body.
std::string at(int body_line, int column, const std::string& message) {
  return test_support::body_position("rules.toml", kHeaderLines, body_line, column, message);
}

TEST(LoadRules, ReadsEveryPartOfTheSchema) {
  const LoadOutcome outcome = load(R"toml(description = "x"
[instrument]
informational_flags = ["N", "H", "L"]

[[discipline]]
section = "Chemistry"
autoverify = true

[[discipline]]
section = "urinalysis"
autoverify = false
hold_abnormal_answers = false

[[analyte]]
test = "k"
absurd = { low = 0.5, high = 15 }
measuring_range = { low = 1.5, high = 10.0 }
review = { low = 3.0, high = 6.0 }
stability = "90m"
hemolysis = { hold = 20, suppress = 90 }
icterus = { suppress = 60 }
lipemia = { hold = 1000 }
delta = [
  { absolute = 1.0, window = "3d" },
  { percent = 40, window = "24h", scope = "specimen", reason = "possible mix-up" },
  { per_day = 2.5, window = "7d", scope = "result" },
]

[[analyte]]
test = "UA-NIT"
stability = "2h"
)toml");
  ASSERT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  ASSERT_TRUE(outcome.rules.has_value());
  const RuleSet& rules = *outcome.rules;
  EXPECT_EQ(rules.name(), "lab rules");
  EXPECT_EQ(rules.version(), "3");
  EXPECT_EQ(rules.informational_flags(), (std::vector<std::string>{"N", "H", "L"}));
  EXPECT_TRUE(rules.is_informational_flag("h"));
  EXPECT_FALSE(rules.is_informational_flag("HH"));

  ASSERT_EQ(rules.disciplines().size(), 2u);
  const DisciplineRules* chemistry = rules.find_discipline("chemistry");
  ASSERT_NE(chemistry, nullptr);
  EXPECT_EQ(chemistry->section, "chemistry");  // as the catalog spells it
  EXPECT_TRUE(chemistry->autoverify);
  EXPECT_TRUE(chemistry->hold_abnormal_answers);  // the default
  EXPECT_EQ(chemistry->source_line, 8);
  const DisciplineRules* urinalysis = rules.find_discipline("urinalysis");
  ASSERT_NE(urinalysis, nullptr);
  EXPECT_FALSE(urinalysis->autoverify);
  EXPECT_FALSE(urinalysis->hold_abnormal_answers);
  EXPECT_EQ(rules.find_discipline("hematology"), nullptr);

  ASSERT_EQ(rules.analytes().size(), 2u);
  const AnalyteRules* k = rules.find_analyte("K");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->test_code, "K");  // as the catalog spells it, not "k"
  EXPECT_EQ(k->source_line, 17);
  EXPECT_EQ(k->absurd.low, 0.5);
  EXPECT_EQ(k->absurd.high, 15.0);
  EXPECT_EQ(k->measuring_range.low, 1.5);
  EXPECT_EQ(k->measuring_range.high, 10.0);
  EXPECT_EQ(k->review.low, 3.0);
  EXPECT_EQ(k->review.high, 6.0);
  EXPECT_EQ(k->stability_seconds, 90 * 60);
  EXPECT_EQ(k->indices.hemolysis.hold, 20.0);
  EXPECT_EQ(k->indices.hemolysis.suppress, 90.0);
  EXPECT_FALSE(k->indices.icterus.hold.has_value());
  EXPECT_EQ(k->indices.icterus.suppress, 60.0);
  EXPECT_EQ(k->indices.lipemia.hold, 1000.0);
  EXPECT_FALSE(k->indices.lipemia.suppress.has_value());

  ASSERT_EQ(k->deltas.size(), 3u);
  EXPECT_EQ(k->deltas[0].mode, DeltaMode::kAbsolute);
  EXPECT_EQ(k->deltas[0].limit, 1.0);
  EXPECT_EQ(k->deltas[0].window_seconds, 3 * kDay);
  EXPECT_EQ(k->deltas[0].scope, DeltaScope::kResult);
  EXPECT_EQ(k->deltas[0].reason, "");
  EXPECT_EQ(k->deltas[0].source_line, 27);
  EXPECT_EQ(k->deltas[1].mode, DeltaMode::kPercent);
  EXPECT_EQ(k->deltas[1].limit, 40.0);
  EXPECT_EQ(k->deltas[1].window_seconds, 24 * kHour);
  EXPECT_EQ(k->deltas[1].scope, DeltaScope::kSpecimen);
  EXPECT_EQ(k->deltas[1].reason, "possible mix-up");
  EXPECT_EQ(k->deltas[2].mode, DeltaMode::kRatePerDay);
  EXPECT_EQ(k->deltas[2].limit, 2.5);
  EXPECT_EQ(k->deltas[2].window_seconds, 7 * kDay);
  EXPECT_EQ(k->deltas[2].scope, DeltaScope::kResult);

  const AnalyteRules* nitrite = rules.find_analyte("ua-nit");
  ASSERT_NE(nitrite, nullptr);
  EXPECT_EQ(nitrite->stability_seconds, 2 * kHour);
  EXPECT_TRUE(nitrite->absurd.empty());
  EXPECT_TRUE(nitrite->deltas.empty());
  EXPECT_EQ(rules.find_analyte("NA"), nullptr);
}

TEST(LoadRules, AcceptsAnEmptyRuleSet) {
  const LoadOutcome outcome = load("");
  EXPECT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  ASSERT_TRUE(outcome.rules.has_value());
  EXPECT_TRUE(outcome.rules->analytes().empty());
  EXPECT_TRUE(outcome.rules->informational_flags().empty());
}

TEST(LoadRules, AcceptsValuesExactlyAtEveryBoundary) {
  // A value equal to a limit is within it: equal limits nest, hold may equal suppress, and a
  // percent delta of exactly 1000 is allowed.
  const LoadOutcome outcome = load(R"toml(
[[analyte]]
test = "K"
absurd = { low = 1.5, high = 10 }
measuring_range = { low = 1.5, high = 10 }
review = { low = 1.5, high = 1.5 }
hemolysis = { hold = 0, suppress = 0 }
delta = [{ percent = 1000, window = "1m" }]
)toml");
  EXPECT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  EXPECT_TRUE(outcome.rules.has_value());
}

TEST(LoadRules, NamesUnknownKeysAtEveryLevelWithTheNearestKnownKey) {
  const LoadOutcome outcome = load(R"toml(
[instrumnt]
[[discipline]]
section = "chemistry"
autoverfy = true
autoverify = true
[[analyte]]
test = "K"
absurd = { low = 1, hihg = 20 }
hemolysis = { hold = 1, supress = 2 }
delta = [{ absolute = 1, window = "1d", scpoe = "result" }]
colour = "red"
)toml");
  EXPECT_FALSE(outcome.rules.has_value());
  EXPECT_EQ(
      diagnostics_of(outcome),
      (std::vector<std::string>{
          at(2, 2, "unknown key 'instrumnt' in the rules file (did you mean 'instrument'?)"),
          at(5, 1,
             "unknown key 'autoverfy' in discipline 'chemistry' (did you mean 'autoverify'?)"),
          at(9, 21,
             "unknown key 'hihg' in the absurd limits of analyte 'K' (did you mean 'high'?)"),
          at(10, 25,
             "unknown key 'supress' in the hemolysis thresholds of analyte 'K' (did you mean "
             "'suppress'?)"),
          at(11, 41, "unknown key 'scpoe' in delta check 1 of analyte 'K' (did you mean 'scope'?)"),
          at(12, 1,
             "unknown key 'colour' in analyte 'K'; allowed keys: test, absurd, measuring_range, "
             "review, stability, hemolysis, icterus, lipemia, delta, variation")}));
}

TEST(LoadRules, NamesTheKeyAndBothTypesOfAWrongValue) {
  EXPECT_EQ(problems(R"toml(
[instrument]
informational_flags = "H"
[[discipline]]
section = "chemistry"
autoverify = "yes"
[[analyte]]
test = "K"
absurd = [1, 2]
review = { low = "3" }
stability = 24
hemolysis = 20
delta = { absolute = 1 }
)toml"),
            (std::vector<std::string>{
                at(3, 23,
                   "key 'informational_flags' of [instrument] must be an array of strings, not a "
                   "string"),
                at(6, 14,
                   "key 'autoverify' of discipline 'chemistry' must be true or false, not a "
                   "string"),
                at(9, 10, "key 'absurd' of analyte 'K' must be a table, not an array"),
                at(10, 18,
                   "key 'low' of the review limits of analyte 'K' must be a number, not a "
                   "string"),
                at(11, 13, "key 'stability' of analyte 'K' must be a string, not an integer"),
                at(12, 13, "key 'hemolysis' of analyte 'K' must be a table, not an integer"),
                at(13, 9, "key 'delta' of analyte 'K' must be an array of tables, not a table")}));
}

TEST(LoadRules, RefusesTestsAndSectionsTheCatalogDoesNotHave) {
  EXPECT_EQ(
      problems(R"toml(
[[discipline]]
section = "chemstry"
autoverify = true
[[discipline]]
section = "blood-bank"
autoverify = true
[[analyte]]
test = "NAA"
[[analyte]]
test = "LYTES"
[[analyte]]
test = "GLUCOSE"
[[analyte]]
autoverify = true
)toml"),
      (std::vector<std::string>{
          at(3, 11,
             "key 'section' of discipline 'chemstry' is not a section of the catalog (did you "
             "mean 'chemistry'?); its sections are: chemistry, hematology, urinalysis"),
          at(6, 11,
             "key 'section' of discipline 'blood-bank' is not a section of the catalog; its "
             "sections are: chemistry, hematology, urinalysis"),
          at(9, 8, "key 'test' of analyte 'NAA' is not a test of the catalog (did you mean 'NA'?)"),
          at(11, 8,
             "key 'test' of analyte 'LYTES' is a panel of the catalog; rules are written for each "
             "of its tests"),
          at(13, 8, "key 'test' of analyte 'GLUCOSE' is not a test of the catalog"),
          at(14, 1, "analyte 4 is missing required key 'test'"),
          at(15, 1,
             "unknown key 'autoverify' in analyte 4; allowed keys: test, absurd, measuring_range, "
             "review, stability, hemolysis, icterus, lipemia, delta, variation")}));
}

TEST(LoadRules, RefusesLimitsAndDeltasOnCodedAndTextTests) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "UA-NIT"
review = { high = 1 }
stability = "2h"
[[analyte]]
test = "COMMENT"
delta = [{ absolute = 1, window = "1d" }]
absurd = { low = 0 }
)toml"),
            (std::vector<std::string>{
                at(4, 10,
                   "key 'review' of analyte 'UA-NIT' is only for numeric tests; test "
                   "'UA-NIT' is coded"),
                at(8, 9,
                   "key 'delta' of analyte 'COMMENT' is only for numeric tests; test "
                   "'COMMENT' is text"),
                at(9, 10,
                   "key 'absurd' of analyte 'COMMENT' is only for numeric tests; test "
                   "'COMMENT' is text")}));
}

TEST(LoadRules, RefusesLowAboveHighAndLimitsWithNeitherLowNorHigh) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "K"
absurd = { low = 15, high = 0.5 }
measuring_range = {}
review = { low = 6.01, high = 6 }
)toml"),
            (std::vector<std::string>{
                at(4, 18, "the absurd limits of analyte 'K': low 15 is above high 0.5"),
                at(5, 19, "the measuring range of analyte 'K': neither low nor high is given"),
                at(6, 18, "the review limits of analyte 'K': low 6.01 is above high 6")}));
}

TEST(LoadRules, RefusesAMeasuringRangeOutsideTheAbsurdLimitsAndReviewLimitsOutsideTheRange) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "K"
absurd = { low = 1.0, high = 15 }
measuring_range = { low = 0.9, high = 15.5 }
[[analyte]]
test = "NA"
measuring_range = { low = 80, high = 180 }
review = { low = 79.9, high = 180.1 }
)toml"),
            (std::vector<std::string>{
                at(5, 27,
                   "the measuring range of analyte 'K' does not lie within the absurd "
                   "limits: low 0.9 is below the absurd low 1"),
                at(5, 39,
                   "the measuring range of analyte 'K' does not lie within the absurd "
                   "limits: high 15.5 is above the absurd high 15"),
                at(9, 18,
                   "the review limits of analyte 'NA' lie outside the measuring range: low "
                   "79.9 is below the measuring range's low 80"),
                at(9, 31,
                   "the review limits of analyte 'NA' lie outside the measuring range: "
                   "high 180.1 is above the measuring range's high 180")}));
}

TEST(LoadRules, BoundsReviewLimitsByTheAbsurdLimitsWhereTheMeasuringRangeIsSilent) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "K"
absurd = { low = 0.5, high = 15 }
measuring_range = { high = 10 }
review = { low = 0.4, high = 6 }
)toml"),
            (std::vector<std::string>{
                at(6, 18,
                   "the review limits of analyte 'K' lie outside the absurd limits: low "
                   "0.4 is below the absurd low 0.5")}));
}

TEST(LoadRules, RefusesNegativeIndexThresholdsAndHoldAboveSuppress) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "K"
hemolysis = { hold = -1 }
icterus = { hold = 30, suppress = 20 }
lipemia = {}
)toml"),
            (std::vector<std::string>{
                at(4, 22,
                   "key 'hold' of the hemolysis thresholds of analyte 'K' must not be "
                   "negative, not -1"),
                at(5, 20, "the icterus thresholds of analyte 'K': hold 30 is above suppress 20"),
                at(6, 11,
                   "the lipemia thresholds of analyte 'K': neither hold nor suppress is "
                   "given")}));
}

TEST(LoadRules, WantsExactlyOnePositiveLimitAndAPositiveWindowInEachDeltaCheck) {
  EXPECT_EQ(
      problems(R"toml(
[[analyte]]
test = "K"
delta = [
  { window = "1d" },
  { absolute = 1, percent = 10, per_day = 1, window = "1d" },
  { absolute = 0, window = "1d" },
  { per_day = -2, window = "1d" },
  { percent = 1000.5, window = "1d" },
  { absolute = 1, window = "0h" },
  { absolute = 1, window = "7 days" },
  { absolute = 1 },
  { absolute = 1, window = "1d", scope = "patient" },
]
)toml"),
      (std::vector<std::string>{
          at(5, 3,
             "delta check 1 of analyte 'K' gives no limit: give one of 'absolute', 'percent' or "
             "'per_day'"),
          at(6, 3,
             "delta check 2 of analyte 'K' gives 'absolute', 'percent' and 'per_day': give only "
             "one of them (write another delta check for the other)"),
          at(7, 16, "key 'absolute' of delta check 3 of analyte 'K' must be above 0, not 0"),
          at(8, 15, "key 'per_day' of delta check 4 of analyte 'K' must be above 0, not -2"),
          at(9, 15,
             "key 'percent' of delta check 5 of analyte 'K' must be at most 1000, not 1000.5"),
          at(10, 28,
             "key 'window' of delta check 6 of analyte 'K': invalid duration '0h': must be longer "
             "than 0"),
          at(11, 28,
             "key 'window' of delta check 7 of analyte 'K': invalid duration '7 days': expected a "
             "whole number followed by m, h or d (e.g. 90m, 24h, 7d)"),
          at(12, 3, "delta check 8 of analyte 'K' is missing required key 'window'"),
          at(13, 42,
             "key 'scope' of delta check 9 of analyte 'K' must be \"result\" or \"specimen\", not "
             "'patient'")}));
}

TEST(LoadRules, RefusesAStabilityThatIsNotAPositiveDuration) {
  EXPECT_EQ(problems(R"toml(
[[analyte]]
test = "K"
stability = "0d"
[[analyte]]
test = "NA"
stability = "24"
)toml"),
            (std::vector<std::string>{
                at(4, 13,
                   "key 'stability' of analyte 'K': invalid duration '0d': must be longer "
                   "than 0"),
                at(7, 13,
                   "key 'stability' of analyte 'NA': invalid duration '24': expected a "
                   "whole number followed by m, h or d (e.g. 90m, 24h, 7d)")}));
}

TEST(LoadRules, RefusesTheSameTestOrSectionTwiceWhateverTheLetterCase) {
  EXPECT_EQ(problems(R"toml(
[[discipline]]
section = "chemistry"
autoverify = true
[[discipline]]
section = "CHEMISTRY"
autoverify = false
[[analyte]]
test = "K"
[[analyte]]
test = "k"
)toml"),
            (std::vector<std::string>{
                at(6, 11,
                   "key 'section' of discipline 'CHEMISTRY' names section 'chemistry' "
                   "again; its discipline is at line 5"),
                at(11, 8,
                   "key 'test' of analyte 'k' names test 'K' again; its rules are at line "
                   "11")}));
}

TEST(LoadRules, RefusesEmptyAndRepeatedInformationalFlags) {
  EXPECT_EQ(problems(R"toml(
[instrument]
informational_flags = ["H", "", "h"]
)toml"),
            (std::vector<std::string>{
                at(3, 29,
                   "element 2 of key 'informational_flags' of [instrument] must be a "
                   "non-empty string, not an empty string")}));
  EXPECT_EQ(problems(R"toml(
[instrument]
informational_flags = ["H", "L", "h"]
)toml"),
            (std::vector<std::string>{
                at(3, 34,
                   "informational flag 'h' of [instrument] is listed twice (first at line "
                   "6)")}));
}

TEST(LoadRules, WantsTheRulesHeaderWithNameAndVersion) {
  const LoadOutcome outcome =
      load_rules("[rules]\nname = \"x\"\n[[analyte]]\ntest = \"K\"\n", "r.toml", test_catalog());
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{"r.toml:1:1: [rules] is missing required key 'version'"});
  EXPECT_EQ(
      diagnostics_of(load_rules("[[analyte]]\ntest = \"K\"\n", "r.toml", test_catalog())),
      std::vector<std::string>{"r.toml: the file has no [rules] table with its name and version"});
}

TEST(LoadRules, ReportsATomlSyntaxErrorAtItsPlace) {
  const std::vector<std::string> found = problems("[[analyte]]\ntest = \"K\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("rules.toml:5:", 0), 0u) << found[0];
  EXPECT_NE(found[0].find("TOML syntax error"), std::string::npos) << found[0];
}

TEST(LoadRulesFile, ReadsAFileAndNamesAFileItCannotRead) {
  test_support::TempDirectory directory("rules-loader");
  const std::string path = directory.file("lab.toml");
  {
    std::ofstream file(path, std::ios::binary);
    file << kHeader << "[[analyte]]\ntest = \"K\"\nstability = \"1d\"\n";
  }
  const LoadOutcome loaded = load_rules_file(path, test_catalog());
  ASSERT_EQ(diagnostics_of(loaded), std::vector<std::string>{});
  ASSERT_NE(loaded.rules->find_analyte("K"), nullptr);
  EXPECT_EQ(loaded.rules->find_analyte("K")->stability_seconds, kDay);

  const std::string absent = directory.file("absent.toml");
  EXPECT_EQ(
      diagnostics_of(load_rules_file(absent, test_catalog())),
      std::vector<std::string>{absent + ": cannot read the rules file: No such file or directory"});
  EXPECT_EQ(diagnostics_of(load_rules_file(directory.path(), test_catalog())),
            std::vector<std::string>{directory.path() +
                                     ": cannot read the rules file: it is a directory"});
}

TEST(LoadRules, ReadsReflexRules) {
  const LoadOutcome outcome = load(R"toml(
[[reflex]]
when = "k"
above = 6.0
drop = 1.5
window = "2d"
add = ["NA"]
reason = "potassium high: sodium"

[[reflex]]
when = "UA-NIT"
answers = ["positive"]
add = ["K"]
reason = "nitrite positive"
)toml");
  ASSERT_TRUE(outcome.rules.has_value()) << diagnostics_of(outcome).front();
  const std::vector<ReflexRule>& reflexes = outcome.rules->reflexes();
  ASSERT_EQ(reflexes.size(), 2u);
  EXPECT_EQ(reflexes[0].test_code, "K");
  EXPECT_EQ(reflexes[0].above, 6.0);
  EXPECT_EQ(reflexes[0].drop, 1.5);
  EXPECT_EQ(reflexes[0].window_seconds, 2 * kDay);
  EXPECT_EQ(reflexes[0].add, std::vector<std::string>{"NA"});
  EXPECT_EQ(reflexes[0].source_line, 2 + kHeaderLines);
  EXPECT_EQ(reflexes[1].answers, std::vector<std::string>{"positive"});
}

TEST(LoadRules, RefusesReflexRulesThatCannotFireOrAddNothingKnown) {
  const std::vector<std::string> expected = {
      at(2, 1,
         "reflex on 'K' has no condition: give above, below, outside_reference, answers "
         "or drop"),
      at(7, 1, "reflex on 'UA-NIT' is missing required key 'reason'"),
      at(9, 12,
         "answer 'maybe' of reflex on 'UA-NIT' is not an answer of test 'UA-NIT' "
         "(negative, positive)"),
      at(10, 8,
         "test 'NAX' added by reflex on 'UA-NIT' is not a test of the catalog (did you "
         "mean 'NA'?)"),
      at(14, 8, "key 'drop' of reflex on 'K' must be above 0"),
      at(16, 8, "reflex on 'K' adds the test that triggers it"),
  };
  EXPECT_EQ(problems(R"toml(
[[reflex]]
when = "K"
add = ["NA"]
reason = "no condition"

[[reflex]]
when = "UA-NIT"
answers = ["maybe"]
add = ["NAX"]

[[reflex]]
when = "K"
drop = 0
window = "1d"
add = ["K"]
reason = "itself"
)toml"),
            expected);
}

}  // namespace
}  // namespace aliquot::rules
