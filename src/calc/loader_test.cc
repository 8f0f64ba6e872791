#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "calc/calculation_set.h"
#include "support/diagnostics.h"
#include "support/temp_directory.h"

namespace aliquot::calc {
namespace {

constexpr std::string_view kHeader = R"toml([calculations]
name = "lab calculations"
version = "3"
)toml";
constexpr int kHeaderLines = 3;

std::vector<std::string> diagnostics_of(const LoadOutcome& outcome) {
  return test_support::error_texts(outcome.diagnostics);
}

// Loads kHeader followed by `body` as calc.toml; `body` line 1 is file line 4.
LoadOutcome load(std::string_view body) {
  return load_calculations(std::string(kHeader) + std::string(body), "calc.toml");
}

std::vector<std::string> problems(std::string_view body) { return diagnostics_of(load(body)); }

// "calc.toml:LINE:COLUMN: message" for a line of the body.
std::string at(int body_line, int column, const std::string& message) {
  return test_support::body_position("calc.toml", kHeaderLines, body_line, column, message);
}

constexpr std::string_view kLipids = R"toml(
[[table]]
name = "factor"
title = "Factor"
source = "test"
row_axis = "tg"
column_axis = "nonhdl"
columns = ["(-inf, 100)", "[100, inf)"]
rows = [
  { band = "[0, 50)", values = [1, 2] },
  { band = "[50, 100]", values = [3, 4.5] },
]

[[calculation]]
name = "ldl-test"
title = "LDL, test"
source = "Somebody 2001"
unit = "mg/dL"
decimals = 0
input = [
  { name = "tc", title = "Cholesterol", unit = "mg/dL", above = 0 },
  { name = "hdl", title = "HDL", unit = "mg/dL", at_least = 0, at_most = 200 },
  { name = "tg", title = "TG", unit = "mg/dL", required = false, default = 10, below = 1000 },
  { name = "sex", title = "Sex", choices = ["F", "M"] },
]
expression = "ldl"

[[calculation.step]]
name = "nonhdl"
expression = "tc - hdl"

[[calculation.step]]
name = "ldl"
expression = 'nonhdl - tg / table(factor, tg, nonhdl) * if(sex == "F", 1, 1)'

[[calculation.rule]]
invalid_when = "tg >= 100"
reason = "too much triglyceride"
)toml";

TEST(LoadCalculations, ReadsEveryPartOfACalculation) {
  const LoadOutcome outcome = load(kLipids);
  ASSERT_EQ(diagnostics_of(outcome), std::vector<std::string>{});
  ASSERT_TRUE(outcome.calculations.has_value());
  const CalculationSet& set = *outcome.calculations;
  EXPECT_EQ(set.name(), "lab calculations");
  EXPECT_EQ(set.version(), "3");
  ASSERT_EQ(set.tables().size(), 1u);
  EXPECT_EQ(set.tables()[0]->name(), "factor");
  EXPECT_EQ(set.tables()[0]->cell(1, 1), 4.5);
  ASSERT_EQ(set.calculations().size(), 1u);
  const Calculation* ldl = set.find("ldl-test");
  ASSERT_NE(ldl, nullptr);
  EXPECT_EQ(set.find("LDL-Test"), ldl);
  EXPECT_EQ(ldl->name(), "ldl-test");
  EXPECT_EQ(ldl->title(), "LDL, test");
  EXPECT_EQ(ldl->source(), "Somebody 2001");
  EXPECT_EQ(ldl->unit(), "mg/dL");
  EXPECT_EQ(ldl->decimals(), 0);
  ASSERT_EQ(ldl->inputs().size(), 4u);
  const InputDefinition& tc = ldl->inputs()[0];
  EXPECT_EQ(tc.name, "tc");
  EXPECT_EQ(tc.kind, InputKind::kNumber);
  EXPECT_EQ(tc.above, 0);
  EXPECT_FALSE(tc.at_least.has_value());
  const InputDefinition& hdl = ldl->inputs()[1];
  EXPECT_EQ(hdl.at_least, 0);
  EXPECT_EQ(hdl.at_most, 200);
  EXPECT_EQ(hdl.limits_text(), "at least 0 and at most 200 mg/dL");
  const InputDefinition& tg = ldl->inputs()[2];
  EXPECT_EQ(tg.requirement, Requirement::kOptional);
  EXPECT_EQ(tg.default_value, 10);
  EXPECT_EQ(tg.below, 1000);
  const InputDefinition& sex = ldl->inputs()[3];
  EXPECT_EQ(sex.kind, InputKind::kChoice);
  EXPECT_EQ(sex.choices, (std::vector<std::string>{"F", "M"}));
  EXPECT_EQ(sex.requirement, Requirement::kRequired);
  ASSERT_EQ(ldl->steps().size(), 2u);
  EXPECT_EQ(ldl->steps()[0].name, "nonhdl");
  EXPECT_EQ(ldl->steps()[1].name, "ldl");
  ASSERT_EQ(ldl->rules().size(), 1u);
  EXPECT_EQ(ldl->rules()[0].reason, "too much triglyceride");
  EXPECT_EQ(ldl->expression().text(), "ldl");

  // 200 - 50 = 150 non-HDL (column 2), tg 60 (row 2): 150 - 60 / 4.5.
  InputValues values;
  values.set(0, 200);
  values.set(1, 50);
  values.set(2, 60);
  values.set(3, 1);
  Outcome result = ldl->compute(values);
  ASSERT_TRUE(result.reportable()) << ldl->reason(result, values);
  EXPECT_DOUBLE_EQ(result.value, 150 - 60 / 4.5);
  values.set(2, 100);
  result = ldl->compute(values);
  EXPECT_EQ(ldl->reason(result, values), "too much triglyceride");
}

TEST(LoadCalculations, ReportsTomlSyntaxErrorsWithTheirPosition) {
  const std::vector<std::string> found = problems("\n[[calculation]]\nname = = 1\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind(at(3, 8, "TOML syntax error: "), 0), 0u) << found[0];
}

TEST(LoadCalculations, NamesMissingAndUnknownKeys) {
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "gap"
titel = "Gap"
unit = "mmol/L"
decimals = 0
input = [ { name = "na", title = "Sodium", unit = "mmol/L", hi = 3 } ]
expression = "na"
)toml"),
      (std::vector<std::string>{
          at(2, 1, "calculation 'gap' is missing required key 'title'"),
          at(2, 1, "calculation 'gap' is missing required key 'source'"),
          at(4, 1, "unknown key 'titel' in calculation 'gap' (did you mean 'title'?)"),
          at(7, 61,
             "unknown key 'hi' in input 'na' of calculation 'gap'; allowed keys: name, title, "
             "unit, choices, required, default, above, at_least, below, at_most"),
      }));
}

TEST(LoadCalculations, PlacesExpressionErrorsAtTheirCharacterInTheFile) {
  EXPECT_EQ(problems(R"toml(
[[calculation]]
name = "ldl"
title = "LDL"
source = "test"
unit = "mg/dL"
decimals = 0
input = [
  { name = "tc", title = "Cholesterol", unit = "mg/dL" },
  { name = "hdl", title = "HDL", unit = "mg/dL" },
]
expression = "tc - hdll"
)toml"),
            (std::vector<std::string>{at(12, 20,
                                         "expression of calculation 'ldl': unknown name 'hdll' "
                                         "(did you mean 'hdl'?)")}));
  // A literal string over several lines.
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "ldl"
title = "LDL"
source = "test"
unit = "mg/dL"
decimals = 0
input = [ { name = "tc", title = "Cholesterol", unit = "mg/dL" } ]
expression = '''
tc
  - hdll'''
)toml"),
      (std::vector<std::string>{
          at(11, 5, "expression of calculation 'ldl': unknown name 'hdll'; the names are: tc")}));
  // A basic string with escapes: the start of the string.
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "ldl"
title = "LDL"
source = "test"
unit = "mg/dL"
decimals = 0
input = [ { name = "sex", title = "Sex", choices = ["F", "M"] } ]
expression = "if(sex == \"F\", 1, two)"
)toml"),
      (std::vector<std::string>{
          at(9, 14, "expression of calculation 'ldl': unknown name 'two'; the names are: sex")}));
}

TEST(LoadCalculations, ChecksStepsInOrderAndRulesAsConditions) {
  // A step may use only earlier steps; steps after one that fails are not checked, since they
  // may use it.
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "second"

[[calculation.step]]
name = "first"
expression = "second * 2"

[[calculation.step]]
name = "second"
expression = "nonsense"
)toml"),
      (std::vector<std::string>{
          at(13, 15,
             "expression of step 'first' of calculation 'x': unknown name 'second'; the names "
             "are: a"),
      }));
  EXPECT_EQ(problems(R"toml(
[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "a"

[[calculation.step]]
name = "a"
expression = "1"
)toml"),
            (std::vector<std::string>{
                at(12, 8,
                   "key 'name' of step 'a' of calculation 'x' repeats the name of an input, an "
                   "earlier step or a table"),
            }));
  EXPECT_EQ(problems(R"toml(
[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "a"

[[calculation.rule]]
invalid_when = "a"
reason = "no"

[[calculation.rule]]
invalid_when = "a > 1"
)toml"),
            (std::vector<std::string>{
                at(12, 17,
                   "condition of rule 1 of calculation 'x': the expression must give a condition "
                   "(true or false), but gives a number"),
                at(15, 1, "rule 2 of calculation 'x' is missing required key 'reason'"),
            }));
}

TEST(LoadCalculations, RefusesInputsAndStepsThatNothingUses) {
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "gap"
title = "Gap"
source = "test"
unit = "mmol/L"
decimals = 0
input = [
  { name = "na", title = "Sodium", unit = "mmol/L" },
  { name = "k", title = "Potassium", unit = "mmol/L" },
]
expression = "na"

[[calculation.step]]
name = "spare"
expression = "na * 2"
)toml"),
      (std::vector<std::string>{
          at(10, 3, "input 'k' of calculation 'gap' is not used by its expression, steps or rules"),
          at(14, 1,
             "step 'spare' of calculation 'gap' is not used by a later step, a rule or the "
             "expression"),
      }));
}

TEST(LoadCalculations, ChecksInputDefinitions) {
  EXPECT_EQ(
      problems(R"toml(
[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 9
input = [
  { name = "Total_Protein", title = "A", unit = "1" },
  { name = "b", title = "B", unit = "1", required = false },
  { name = "c", title = "C", unit = "1", default = 2 },
  { name = "d", title = "D", unit = "1", required = false, default = -1, at_least = 0 },
  { name = "e", title = "E", unit = "1", above = 0, at_least = 1 },
  { name = "f", title = "F", unit = "1", above = 5, below = 5 },
  { name = "g", title = "G", choices = ["F"], unit = "1" },
  { name = "if", title = "H", unit = "1" },
  { name = "i", title = "I" },
]
expression = "1"
)toml"),
      (std::vector<std::string>{
          at(7, 12, "key 'decimals' of calculation 'x' must be from 0 to 6, not 9"),
          at(9, 12,
             "key 'name' of input 'Total_Protein' of calculation 'x' must be lower-case "
             "letters, digits and '-', starting with a letter (in expressions '-' is written "
             "'_')"),
          at(10, 53,
             "key 'required' of input 'b' of calculation 'x' is false, so the input needs a "
             "'default' to use when it is absent"),
          at(11, 52,
             "key 'default' of input 'c' of calculation 'x' applies only to an input with "
             "required = false"),
          at(12, 70,
             "key 'default' of input 'd' of calculation 'x' is outside the input's limits (at "
             "least 0)"),
          at(13, 64,
             "key 'at_least' of input 'e' of calculation 'x' cannot be given with 'above': "
             "keep one lower limit"),
          at(14, 61,
             "key 'below' of input 'f' of calculation 'x' must be greater than the lower "
             "limit; no value could be used"),
          at(15, 40,
             "key 'choices' of input 'g' of calculation 'x' must list at least two choices"),
          at(15, 54,
             "key 'unit' of input 'g' of calculation 'x' does not apply to an input with "
             "choices"),
          at(16, 12,
             "key 'name' of input 'if' of calculation 'x' is a word of the expression "
             "language"),
          at(17, 3, "input 'i' of calculation 'x' is missing required key 'unit'"),
      }));
}

TEST(LoadCalculations, RefusesRepeatedAndReservedCalculationNames) {
  constexpr std::string_view kOne = R"toml(
[[calculation]]
name = "NAME"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "a"
)toml";
  std::string body(kOne);
  body += std::string(kOne).replace(std::string(kOne).find("NAME"), 4, "x");
  body += std::string(kOne).replace(std::string(kOne).find("NAME"), 4, "x");
  body += std::string(kOne).replace(std::string(kOne).find("NAME"), 4, "list");
  const std::vector<std::string> found = problems(body.replace(body.find("NAME"), 4, "Egfr"));
  EXPECT_EQ(found, (std::vector<std::string>{
                       at(3, 8,
                          "key 'name' of calculation 'Egfr' must be lower-case letters, digits "
                          "and '-', starting with a letter"),
                       at(21, 8,
                          "key 'name' of calculation 'x' repeats the name of an earlier "
                          "calculation"),
                       at(30, 8,
                          "key 'name' of calculation 'list' is a word the command line keeps for "
                          "itself (list, check)"),
                   }));
}

TEST(LoadCalculations, ChecksBandTablesBandByBand) {
  EXPECT_EQ(problems(R"toml(
[[table]]
name = "t"
title = "T"
source = "test"
row_axis = "r"
column_axis = "c"
columns = ["(-inf, 1)", "[1, inf)"]
rows = [
  { band = "[0, 50)", values = [1, 2] },
  { band = "[51, 60)", values = [1, 2] },
  { band = "[60, 70)", values = [1, 2, 3] },
  { band = "70-80", values = [1, "2"] },
]

[[table]]
name = "t"
title = "T"
source = "test"
row_axis = "r"
column_axis = "c"
columns = ["[0, 1)", "[2, 3)"]
rows = [ { band = "[0, 1)", values = [1, 2] } ]

[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "a"
)toml"),
            (std::vector<std::string>{
                at(11, 12,
                   "rows of table 't': band 2 [51, 60) and band 1 [0, 50) leave a gap: band 2 must "
                   "start at 50"),
                at(12, 33, "key 'values' of row 3 of table 't' has 3 values for 2 columns"),
                at(13, 12,
                   "row 4 of table 't': a band is written like '[7, 50)' or '(-inf, 100)', not "
                   "'70-80' ('[' and ']' include the edge, '(' and ')' exclude it)"),
                at(13, 34, "value 2 of row 4 of table 't' must be a finite number, not a string"),
                at(17, 8, "key 'name' of table 't' repeats the name of an earlier table"),
                at(22, 22,
                   "columns of table 't': band 2 [2, 3) and band 1 [0, 1) leave a gap: band 2 must "
                   "start at 1"),
            }));
}

TEST(LoadCalculations, ChecksExpressionsThatUseATableWithProblems) {
  // The table's own problem is reported; the expression using it is checked, not reported as
  // using an unknown table.
  EXPECT_EQ(problems(R"toml(
[[table]]
name = "t"
title = "T"
source = "test"
row_axis = "r"
column_axis = "c"
columns = ["[0, 1)", "[2, 3)"]
rows = [ { band = "[0, 1)", values = [1, 2] } ]

[[calculation]]
name = "x"
title = "X"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "table(t, a, b)"
)toml"),
            (std::vector<std::string>{
                at(8, 22,
                   "columns of table 't': band 2 [2, 3) and band 1 [0, 1) leave a gap: band 2 must "
                   "start at 1"),
                at(18, 27, "expression of calculation 'x': unknown name 'b'; the names are: a"),
            }));
}

TEST(LoadCalculations, ReportsEveryProblemOfTheFileAtOnce) {
  const std::vector<std::string> found = problems(R"toml(
[[calculation]]
name = "one"
title = "One"
source = "test"
unit = "1"
decimals = 0
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "a +"

[[calculation]]
name = "two"
title = "Two"
source = "test"
unit = "1"
decimals = "0"
input = [ { name = "a", title = "A", unit = "1" } ]
expression = "b"
)toml");
  EXPECT_EQ(found,
            (std::vector<std::string>{
                at(9, 18,
                   "expression of calculation 'one': expected a value, found the end of the "
                   "expression"),
                at(16, 12,
                   "key 'decimals' of calculation 'two' must be an integer, not a "
                   "string"),
                at(18, 15, "expression of calculation 'two': unknown name 'b'; the names are: a"),
            }));
}

TEST(LoadCalculations, NeedsAHeaderAndAtLeastOneCalculation) {
  EXPECT_EQ(diagnostics_of(load_calculations("", "empty.toml")),
            (std::vector<std::string>{
                "empty.toml: the file has no [calculations] table with its name and version",
                "empty.toml: the file defines no calculations ([[calculation]])",
            }));
}

TEST(LoadCalculationsFile, SaysWhyAFileCannotBeRead) {
  test_support::TempDirectory directory("aliquot-calc");
  const LoadOutcome missing = load_calculations_file(directory.file("missing.toml"));
  EXPECT_EQ(diagnostics_of(missing),
            std::vector<std::string>{directory.file("missing.toml") +
                                     ": cannot read the calculations file: No such file or "
                                     "directory"});
  const LoadOutcome folder = load_calculations_file(directory.path());
  EXPECT_EQ(diagnostics_of(folder),
            std::vector<std::string>{directory.path() +
                                     ": cannot read the calculations file: it is a directory"});
}

}  // namespace
}  // namespace aliquot::calc
