#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "support/temp_directory.h"

namespace aliquot::catalog {
namespace {

constexpr std::string_view kPreamble = R"toml([catalog]
name = "menu"
version = "1"
[[section]]
code = "chemistry"
name = "Chemistry"
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
)toml";
constexpr int kPreambleLines = 23;

std::vector<std::string> diagnostics_of(const LoadOutcome& outcome) {
  std::vector<std::string> out;
  for (const Diagnostic& d : outcome.diagnostics) out.push_back(d.to_string());
  return out;
}

LoadOutcome load(std::string_view tests) {
  return load_catalog(std::string(kPreamble) + std::string(tests), "menu.toml");
}

const core::TestDefinition& only_test(const LoadOutcome& outcome) {
  EXPECT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  static const core::TestDefinition kNone;
  if (!outcome.catalog || outcome.catalog->tests().empty()) return kNone;
  return outcome.catalog->tests().front();
}

TEST(LoadCatalog, ReadsANumericTestCompletely) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "HGB"
name = "Hemoglobin"
loinc = "718-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "g/dL"
decimals = 1
critical = { low = 6 }
reference = [
  { age_max = "7d", low = 14.5, high = 22.5 },
  { sex = "F", age_min = "18y", low = 12.0, high = 15.5 },
  { sex = "M", age_min = "18y", high = 17.5, low = 13.5 },
]
)toml");
  const core::TestDefinition& test = only_test(outcome);
  EXPECT_EQ(test.code, "HGB");
  EXPECT_EQ(test.name, "Hemoglobin");
  EXPECT_EQ(test.loinc, "718-7");
  EXPECT_EQ(test.unit, "g/dL");
  EXPECT_EQ(test.kind, core::ResultKind::kNumeric);
  EXPECT_EQ(test.decimals, 1);
  EXPECT_EQ(test.source_line, kPreambleLines + 2);
  EXPECT_EQ(test.critical.low, 6.0);
  EXPECT_FALSE(test.critical.high.has_value());
  ASSERT_EQ(test.reference_intervals.size(), 3u);
  const core::ReferenceInterval& newborn = test.reference_intervals[0];
  EXPECT_FALSE(newborn.sex.has_value());
  EXPECT_EQ(newborn.age_min_days, 0);
  EXPECT_EQ(newborn.age_max_days, 7);
  EXPECT_EQ(newborn.low, 14.5);
  EXPECT_EQ(newborn.high, 22.5);
  const core::ReferenceInterval& man = test.reference_intervals[2];
  EXPECT_EQ(man.sex, core::AdministrativeSex::kMale);
  EXPECT_EQ(man.age_min_days, 6574);
  EXPECT_FALSE(man.age_max_days.has_value());
  EXPECT_EQ(man.low, 13.5);
}

TEST(LoadCatalog, ReadsACodedTestWithAnswersSpelledAsListed) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "UA-NIT"
name = "Nitrite"
loinc = "5802-4"
section = "urinalysis"
specimen_type = "urine"
container = "urine-cup"
kind = "Coded"
answers = ["negative", "positive"]
abnormal_answers = ["POSITIVE"]
reference = [{ text = "Negative" }]
)toml");
  const core::TestDefinition& test = only_test(outcome);
  EXPECT_EQ(test.kind, core::ResultKind::kCoded);
  EXPECT_EQ(test.answers, (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(test.abnormal_answers, (std::vector<std::string>{"positive"}));
  ASSERT_EQ(test.reference_intervals.size(), 1u);
  EXPECT_EQ(test.reference_intervals[0].text, "negative");
  EXPECT_TRUE(test.unit.empty());
}

TEST(LoadCatalog, AcceptsReferenceIntervalsWrittenAsSubTables) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
[[test.reference]]
low = 3.5
high = 5.1
)toml");
  const core::TestDefinition& test = only_test(outcome);
  ASSERT_EQ(test.reference_intervals.size(), 1u);
  EXPECT_EQ(test.reference_intervals[0].low, 3.5);
}

TEST(LoadCatalog, AcceptsGapsBetweenAgeBands) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "ALP"
name = "Alkaline phosphatase"
loinc = "6768-6"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "U/L"
decimals = 0
reference = [
  { age_max = "1y", low = 100, high = 500 },
  { age_min = "18y", low = 40, high = 129 },
]
)toml");
  EXPECT_EQ(only_test(outcome).reference_intervals.size(), 2u);
}

TEST(LoadCatalog, AcceptsAdjacentBandsBecauseTheUpperAgeIsExclusive) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "ALP"
name = "Alkaline phosphatase"
loinc = "6768-6"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "U/L"
decimals = 0
reference = [
  { age_max = "18y", low = 100, high = 500 },
  { sex = "F", age_min = "18y", low = 35, high = 104 },
  { sex = "M", age_min = "18y", low = 40, high = 129 },
]
)toml");
  EXPECT_EQ(only_test(outcome).reference_intervals.size(), 3u);
}

TEST(LoadCatalog, RefusesAnIntervalForBothSexesOverlappingOneForASingleSex) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "ALT"
name = "ALT"
loinc = "1742-6"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "U/L"
decimals = 0
reference = [
  { sex = "F", low = 7, high = 45 },
  { low = 7, high = 55 },
]
)toml");
  EXPECT_FALSE(outcome.catalog.has_value());
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{
                "menu.toml:36:3: reference interval 2 of test 'ALT' (0d and over) overlaps "
                "reference interval 1 (line 35, 0d and over) for sex F"});
}

// Specimen type and method qualifiers of reference intervals. The numbers are illustrative: they
// only tell the intervals apart.

// A numeric test with the given `reference = [...]` entries; written from a new line, as below,
// the first entry is on line 35.
LoadOutcome load_alp(std::string_view reference_entries) {
  return load(R"toml(
[[test]]
code = "ALP"
name = "Alkaline phosphatase"
loinc = "6768-6"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "U/L"
decimals = 0
reference = [)toml" +
              std::string(reference_entries) + "]\n");
}

TEST(LoadCatalog, ReadsTheSpecimenTypeAsListedAndTheMethodAsWritten) {
  const LoadOutcome outcome = load_alp(R"toml(
  { specimen_type = "URINE", method = "Cobas-C503", low = 1, high = 2 },
  { low = 3, high = 4 },
)toml");
  const core::TestDefinition& test = only_test(outcome);
  ASSERT_EQ(test.reference_intervals.size(), 2u);
  EXPECT_EQ(test.reference_intervals[0].specimen_type, "urine");
  EXPECT_EQ(test.reference_intervals[0].method, "Cobas-C503");
  EXPECT_EQ(test.reference_intervals[1].specimen_type, "");
  EXPECT_EQ(test.reference_intervals[1].method, "");
}

TEST(LoadCatalog, AcceptsQualifiedIntervalsOverlappingAnUnqualifiedOne) {
  // Selection prefers the interval naming the method, then the one naming the specimen type
  // (rules/flagging.h), so each of these is the only candidate at its specificity.
  const LoadOutcome outcome = load_alp(R"toml(
  { low = 40, high = 130 },
  { specimen_type = "serum", low = 41, high = 131 },
  { method = "cobas-c503", low = 42, high = 132 },
  { specimen_type = "serum", method = "cobas-c503", low = 43, high = 133 },
  { specimen_type = "urine", method = "cobas-c503", low = 44, high = 134 },
  { method = "architect-ci4100", low = 45, high = 135 },
  { sex = "F", method = "vitros-5600", low = 46, high = 136 },
  { sex = "M", method = "vitros-5600", low = 47, high = 137 },
)toml");
  EXPECT_EQ(only_test(outcome).reference_intervals.size(), 8u);
}

TEST(LoadCatalog, AcceptsAdjacentAgeBandsWithTheSameQualifiers) {
  const LoadOutcome outcome = load_alp(R"toml(
  { method = "cobas-c503", age_max = "18y", low = 100, high = 500 },
  { method = "COBAS-C503", age_min = "18y", low = 40, high = 130 },
)toml");
  EXPECT_EQ(only_test(outcome).reference_intervals.size(), 2u);
}

TEST(LoadCatalog, RefusesOverlappingIntervalsWithTheSameMethodInAnyLetterCase) {
  const LoadOutcome outcome = load_alp(R"toml(
  { method = "cobas-c503", age_max = "18y", low = 100, high = 500 },
  { method = "COBAS-C503", age_min = "17y", low = 40, high = 130 },
)toml");
  EXPECT_FALSE(outcome.catalog.has_value());
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{
                "menu.toml:36:3: reference interval 2 of test 'ALP' (17y and over) overlaps "
                "reference interval 1 (line 35, 0d to 18y) for both sexes by method "
                "'cobas-c503'"});
}

TEST(LoadCatalog, RefusesOverlappingIntervalsWithTheSameSpecimenTypeAndMethod) {
  const LoadOutcome outcome = load_alp(R"toml(
  { specimen_type = "serum", method = "cobas-c503", low = 40, high = 130 },
  { specimen_type = "urine", method = "cobas-c503", low = 40, high = 130 },
  { specimen_type = "Serum", method = "cobas-c503", sex = "F", low = 35, high = 105 },
  { specimen_type = "urine", low = 40, high = 130 },
  { specimen_type = "urine", sex = "M", age_min = "60y", low = 40, high = 130 },
)toml");
  EXPECT_EQ(diagnostics_of(outcome),
            (std::vector<std::string>{
                "menu.toml:37:3: reference interval 3 of test 'ALP' (0d and over) overlaps "
                "reference interval 1 (line 35, 0d and over) for sex F on specimen type "
                "'serum' by method 'cobas-c503'",
                "menu.toml:39:3: reference interval 5 of test 'ALP' (60y and over) overlaps "
                "reference interval 4 (line 38, 0d and over) for sex M on specimen type "
                "'urine'",
            }));
}

TEST(LoadCatalog, RefusesAnUnknownSpecimenTypeOfAnIntervalAndSuggestsTheNearest) {
  const LoadOutcome outcome = load_alp(R"toml(
  { specimen_type = "serun", low = 40, high = 130 },
  { specimen_type = "plasma", low = 40, high = 130 },
  { low = 40, high = 130 },
)toml");
  // Intervals whose specimen type is unknown are not checked for overlaps: to whom they apply
  // is unknown.
  EXPECT_EQ(diagnostics_of(outcome),
            (std::vector<std::string>{
                "menu.toml:35:21: reference interval 1 of test 'ALP': unknown specimen type "
                "'serun' (did you mean 'serum'?); defined: serum, urine",
                "menu.toml:36:21: reference interval 2 of test 'ALP': unknown specimen type "
                "'plasma'; defined: serum, urine",
            }));
}

TEST(LoadCatalog, RefusesAnEmptyOrBlankPaddedMethod) {
  const LoadOutcome outcome = load_alp(R"toml(
  { method = "", low = 40, high = 130 },
  { method = " cobas-c503", low = 40, high = 130 },
  { method = "cobas-c503 ", low = 40, high = 130 },
  { method = 503, low = 40, high = 130 },
  { low = 40, high = 130 },
)toml");
  EXPECT_EQ(diagnostics_of(outcome),
            (std::vector<std::string>{
                "menu.toml:35:14: key 'method' of reference interval 1 of test 'ALP' must not "
                "be empty",
                "menu.toml:36:14: key 'method' of reference interval 2 of test 'ALP' must not "
                "begin or end with blanks: ' cobas-c503'",
                "menu.toml:37:14: key 'method' of reference interval 3 of test 'ALP' must not "
                "begin or end with blanks: 'cobas-c503 '",
                "menu.toml:38:14: key 'method' of reference interval 4 of test 'ALP' must be a "
                "string, not an integer",
            }));
}

TEST(LoadCatalog, CatchesAMisspelledIntervalQualifierKey) {
  const LoadOutcome outcome = load_alp(R"toml(
  { specimen = "serum", low = 40, high = 130 },
)toml");
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{
                "menu.toml:35:5: unknown key 'specimen' in reference interval 1 of test 'ALP'; "
                "allowed keys: sex, age_min, age_max, specimen_type, method, low, high, text"});
}

TEST(LoadCatalog, CatchesAMisspelledCriticalKeyAndNamesIt) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
critcal_high = 6.5
)toml");
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  const Diagnostic& d = outcome.diagnostics[0];
  EXPECT_EQ(d.file, "menu.toml");
  EXPECT_EQ(d.line, kPreambleLines + 11);
  EXPECT_EQ(d.column, 1);
  EXPECT_EQ(d.message.substr(0, 45), "unknown key 'critcal_high' in test 'K'; allow");
}

TEST(LoadCatalog, ReportsEveryProblemNotJustTheFirst) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-4"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmoll/L"
decimals = 9
critical = { low = 4.0 }
reference = [{ low = 3.5, high = 5.1 }]
)toml");
  EXPECT_FALSE(outcome.catalog.has_value());
  EXPECT_EQ(diagnostics_of(outcome),
            (std::vector<std::string>{
                "menu.toml:28:9: test 'K': LOINC code '2823-4' has check digit 4; expected 3",
                "menu.toml:32:8: test 'K': unknown UCUM unit atom 'mmoll' in 'mmoll/L'",
                "menu.toml:33:12: key 'decimals' of test 'K' must be between 0 and 6, not 9",
                "menu.toml:34:20: critical low 4 of test 'K' is not below the low 3.5 of "
                "reference interval 1 (line 35)",
            }));
}

TEST(LoadCatalog, ChecksCriticalLimitsAgainstEveryAgeBand) {
  // A neonatal band can sit close to a critical limit that suits adults.
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "GLU"
name = "Glucose"
loinc = "2345-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0
critical = { low = 50, high = 400 }
reference = [
  { age_max = "3d", low = 40, high = 90 },
  { age_min = "3d", low = 70, high = 99 },
]
)toml");
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{
                "menu.toml:34:20: critical low 50 of test 'GLU' is not below the low 40 of "
                "reference interval 1 (line 36)"});
}

TEST(LoadCatalog, RefusesAPanelSharingATestCodeInAnyLetterCase) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "Glu"
name = "Glucose"
loinc = "2345-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0
[[panel]]
code = "GLU"
name = "Glucose panel"
members = ["glu"]
)toml");
  EXPECT_EQ(diagnostics_of(outcome),
            std::vector<std::string>{
                "menu.toml:35:8: panel code 'GLU' is already the code of test 'Glu' (line 25)"});
}

TEST(LoadCatalog, AcceptsATextTestWithoutUnitOrDecimals) {
  const LoadOutcome outcome = load(R"toml(
[[test]]
code = "COMMENT"
name = "Specimen comment"
loinc = "8251-1"
section = "chemistry"
specimen_type = "serum"
container = "sst"
kind = "text"
)toml");
  EXPECT_EQ(only_test(outcome).kind, core::ResultKind::kText);
}

constexpr std::string_view kCreatinine = R"toml(
[[test]]
code = "CREAT"
name = "Creatinine"
loinc = "2160-0"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 2
)toml";
constexpr int kCreatinineLines = 10;

LoadOutcome load_with_creatinine(std::string_view tests) {
  std::string text(kCreatinine);
  text.append(tests);
  return load(text);
}

TEST(LoadCatalog, ReadsACalculatedTestWithItsInputs) {
  const LoadOutcome outcome = load_with_creatinine(R"toml(
[[test]]
code = "EGFR"
name = "eGFR"
loinc = "98979-8"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mL/min/{1.73_m2}"
decimals = 0
calculation = { name = "egfr-ckd-epi-2021", inputs = { creatinine = "CREAT" } }
)toml");
  ASSERT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  const core::TestDefinition* egfr = outcome.catalog->find_test("EGFR");
  ASSERT_NE(egfr, nullptr);
  ASSERT_TRUE(egfr->calculated.has_value());
  EXPECT_EQ(egfr->calculated->calculation, "egfr-ckd-epi-2021");
  ASSERT_EQ(egfr->calculated->inputs.size(), 1u);
  EXPECT_EQ(egfr->calculated->inputs[0].input, "creatinine");
  EXPECT_EQ(egfr->calculated->inputs[0].test_code, "CREAT");
  EXPECT_EQ(egfr->calculated->inputs[0].source_line, kPreambleLines + kCreatinineLines + 11);
  EXPECT_FALSE(outcome.catalog->find_test("CREAT")->calculated.has_value());
}

TEST(LoadCatalog, ChecksTheSyntaxOfACalculation) {
  const LoadOutcome outcome = load_with_creatinine(R"toml(
[[test]]
code = "EGFR"
name = "eGFR"
loinc = "98979-8"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mL/min/{1.73_m2}"
decimals = 0
calculation = { nmae = "egfr-ckd-epi-2021", inputs = { creatinine = 2 } }

[[test]]
code = "UPRO"
name = "Protein, urine"
loinc = "2888-6"
section = "urinalysis"
specimen_type = "urine"
container = "urine-cup"
kind = "text"
calculation = { name = "ratio", inputs = {} }

[[test]]
code = "BAD"
name = "Bad"
loinc = "2160-0"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "1"
decimals = 0
calculation = "egfr"
)toml");
  const int egfr = kPreambleLines + kCreatinineLines + 11;
  const int upro = egfr + 10;
  const int bad = upro + 11;
  const auto at = [](int line, int column) {
    return "menu.toml:" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  };
  EXPECT_EQ(diagnostics_of(outcome),
            (std::vector<std::string>{
                at(egfr, 15) + "the calculation of test 'EGFR' is missing required key 'name'",
                at(egfr, 17) +
                    "unknown key 'nmae' in the calculation of test 'EGFR' (did you mean 'name'?)",
                at(egfr, 69) + "input 'creatinine' of the calculation of test 'EGFR' must be a "
                               "test code (a non-empty string), not an integer",
                at(upro, 15) +
                    "key 'calculation' of test 'UPRO' is only for numeric tests; this test is text",
                at(bad, 15) + "key 'calculation' of test 'BAD' must be a table, not a string",
            }));
  EXPECT_FALSE(outcome.catalog.has_value());
}

// A menu whose chemistry section has `turnaround` (a TOML inline table) and one test.
LoadOutcome load_with_turnaround(std::string_view turnaround) {
  return load_catalog(std::string(R"toml([catalog]
name = "menu"
version = "1"
[[section]]
code = "chemistry"
name = "Chemistry"
turnaround = )toml") + std::string(turnaround) +
                          R"toml(
[[section]]
code = "microbiology"
name = "Microbiology"
[[specimen_type]]
code = "serum"
name = "Serum"
[[container]]
code = "sst"
name = "Gold top"
draw_order = 3
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
)toml",
                      "menu.toml");
}

TEST(LoadCatalog, ReadsTheTurnaroundTargetsOfASectionPerPriority) {
  const LoadOutcome outcome = load_with_turnaround("{ stat = 60, routine = 240 }");
  ASSERT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  const Section* chemistry = outcome.catalog->find_section("chemistry");
  ASSERT_NE(chemistry, nullptr);
  EXPECT_EQ(chemistry->turnaround.minutes_for(core::Priority::kStat), 60);
  EXPECT_EQ(chemistry->turnaround.minutes_for(core::Priority::kRoutine), 240);
  EXPECT_EQ(chemistry->turnaround.minutes_for(core::Priority::kAsap), std::nullopt);
  const Section* microbiology = outcome.catalog->find_section("microbiology");
  ASSERT_NE(microbiology, nullptr);
  EXPECT_EQ(microbiology->turnaround.minutes_for(core::Priority::kStat), std::nullopt);
}

TEST(LoadCatalog, RefusesATurnaroundTargetOutOfRangeOrOfAnUnknownPriority) {
  EXPECT_EQ(diagnostics_of(load_with_turnaround("{ stat = 0 }")),
            std::vector<std::string>{
                "menu.toml:7:23: key 'stat' of the turnaround targets of section 'chemistry' "
                "must be between 1 and 43200 minutes, not 0"});
  const std::vector<std::string> misspelled = diagnostics_of(load_with_turnaround("{ stta = 60 }"));
  ASSERT_EQ(misspelled.size(), 1u);
  EXPECT_EQ(misspelled[0].rfind("menu.toml:7:16: unknown key 'stta' in the turnaround targets of "
                                "section 'chemistry'",
                                0),
            0u)
      << misspelled[0];
  EXPECT_EQ(diagnostics_of(load_with_turnaround("{ routine = \"4h\" }")).size(), 1u);
}

TEST(LoadCatalog, ReportsASyntaxErrorWithItsPosition) {
  const LoadOutcome outcome = load_catalog("[catalog]\nname = \"x\nversion = \"1\"\n", "x.toml");
  ASSERT_EQ(outcome.diagnostics.size(), 1u);
  EXPECT_EQ(outcome.diagnostics[0].line, 2);
  EXPECT_EQ(outcome.diagnostics[0].message.substr(0, 18), "TOML syntax error:");
  EXPECT_FALSE(outcome.catalog.has_value());
}

TEST(LoadCatalogFile, ReportsAFileThatCannotBeReadAsOneDiagnostic) {
  const std::string path = "/nonexistent/aliquot/menu.toml";
  const LoadOutcome outcome = load_catalog_file(path);
  EXPECT_FALSE(outcome.catalog.has_value());
  EXPECT_EQ(
      diagnostics_of(outcome),
      std::vector<std::string>{path + ": cannot read the catalog file: No such file or directory"});
}

TEST(LoadCatalogFile, NamesTheFileInItsDiagnostics) {
  const test_support::TempDirectory temp("aliquot-catalog");
  const std::filesystem::path directory(temp.path());
  const std::filesystem::path path = directory / "menu.toml";
  std::ofstream(path) << kPreamble << "unknown = 1\n";  // still inside the last [[container]]
  const LoadOutcome outcome = load_catalog_file(path.string());
  const std::vector<std::string> expected = {
      path.string() + ":" + std::to_string(kPreambleLines + 1) +
          ":1: unknown key 'unknown' in container 'urine-cup'; allowed keys: code, name, "
          "draw_order",
      path.string() + ": the catalog defines no tests ([[test]])"};
  EXPECT_EQ(diagnostics_of(outcome), expected);
  const LoadOutcome directory_outcome = load_catalog_file(directory.string());
  EXPECT_EQ(diagnostics_of(directory_outcome),
            std::vector<std::string>{directory.string() +
                                     ": cannot read the catalog file: it is a directory"});
}

}  // namespace
}  // namespace aliquot::catalog
