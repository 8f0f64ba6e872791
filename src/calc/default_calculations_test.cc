// The default calculations (catalog/calculations.toml, as built into the program): every formula
// against the published formula written out here in C++, hand-worked examples, every validity
// limit at, just under and just over its boundary, and the Martin–Hopkins table at its band
// edges.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "calc/calculation_set.h"
#include "catalog/ucum.h"

namespace aliquot::calc {
namespace {

const CalculationSet& defaults() {
  static const CalculationSet* const set = [] {
    LoadOutcome outcome =
        load_calculations(default_calculations_text(), kDefaultCalculationsFileName);
    for (const Error& error : outcome.diagnostics) ADD_FAILURE() << error.to_string();
    return outcome.calculations ? new CalculationSet(std::move(*outcome.calculations))
                                : new CalculationSet();
  }();
  return *set;
}

struct Computed {
  bool reportable = false;
  double value = 0;
  std::string reported;
  std::string reason;
};

// Computes calculation `name` from inputs given by name; a choice input is given as its text.
Computed run(const std::string& name, const std::map<std::string, std::string>& inputs) {
  Computed out;
  const Calculation* calculation = defaults().find(name);
  EXPECT_NE(calculation, nullptr) << name;
  if (calculation == nullptr) return out;
  InputValues values;
  for (const auto& [key, text] : inputs) {
    const std::optional<std::size_t> index = calculation->find_input(key);
    EXPECT_TRUE(index.has_value()) << name << " has no input " << key;
    if (!index) return out;
    const InputDefinition& input = calculation->inputs()[*index];
    if (input.kind == InputKind::kChoice) {
      const auto found = std::find(input.choices.begin(), input.choices.end(), text);
      EXPECT_NE(found, input.choices.end()) << text;
      values.set(*index, static_cast<double>(found - input.choices.begin()));
    } else {
      values.set(*index, std::stod(text));
    }
  }
  const Outcome outcome = calculation->compute(values);
  out.reportable = outcome.reportable();
  out.value = outcome.value;
  out.reported = outcome.reportable() ? calculation->reported(outcome.value) : "";
  out.reason = calculation->reason(outcome, values);
  return out;
}

std::string text(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// Expects a reportable value equal to `expected` to 1e-12 relative.
void expect_value(const Computed& result, double expected) {
  ASSERT_TRUE(result.reportable) << result.reason;
  EXPECT_NEAR(result.value, expected, std::fabs(expected) * 1e-12 + 1e-12);
}

// --- the published formulas, written out independently -----------------------------------------

// CKD-EPI 2021 creatinine (Inker, NEJM 2021;385:1737).
double ckd_epi_2021(double scr, double age, bool female) {
  const double kappa = female ? 0.7 : 0.9;
  const double alpha = female ? -0.241 : -0.302;
  return 142 * std::pow(std::min(scr / kappa, 1.0), alpha) *
         std::pow(std::max(scr / kappa, 1.0), -1.200) * std::pow(0.9938, age) *
         (female ? 1.012 : 1.0);
}

// CKD-EPI 2021 creatinine-cystatin C (Inker, NEJM 2021;385:1737).
double ckd_epi_2021_cys(double scr, double scys, double age, bool female) {
  const double kappa = female ? 0.7 : 0.9;
  const double alpha = female ? -0.219 : -0.144;
  return 135 * std::pow(std::min(scr / kappa, 1.0), alpha) *
         std::pow(std::max(scr / kappa, 1.0), -0.544) *
         std::pow(std::min(scys / 0.8, 1.0), -0.323) * std::pow(std::max(scys / 0.8, 1.0), -0.778) *
         std::pow(0.9961, age) * (female ? 0.963 : 1.0);
}

// CKD-EPI 2012 cystatin C (Inker, NEJM 2012;367:20).
double ckd_epi_2012_cys(double scys, double age, bool female) {
  return 133 * std::pow(std::min(scys / 0.8, 1.0), -0.499) *
         std::pow(std::max(scys / 0.8, 1.0), -1.328) * std::pow(0.996, age) *
         (female ? 0.932 : 1.0);
}

// Sampson/NIH equation 2 (JAMA Cardiol 2020;5:540).
double sampson(double tc, double hdl, double tg) {
  const double non_hdl = tc - hdl;
  return tc / 0.948 - hdl / 0.971 - (tg / 8.56 + tg * non_hdl / 2140 - tg * tg / 16100) - 9.44;
}

// The Martin–Hopkins factors as printed in the domain reference (integer triglyceride ranges;
// columns non-HDL < 100, 100-129, 130-159, 160-189, 190-219, >= 220 mg/dL).
struct FactorRow {
  int tg_from;
  int tg_to;
  std::array<double, 6> factors;
};
constexpr std::array<FactorRow, 30> kMartinHopkins = {{
    {7, 49, {3.5, 3.4, 3.3, 3.3, 3.2, 3.1}},    {50, 56, {4.0, 3.9, 3.7, 3.6, 3.6, 3.4}},
    {57, 61, {4.3, 4.1, 4.0, 3.9, 3.8, 3.6}},   {62, 66, {4.5, 4.3, 4.1, 4.0, 3.9, 3.9}},
    {67, 71, {4.7, 4.4, 4.3, 4.2, 4.1, 3.9}},   {72, 75, {4.8, 4.6, 4.4, 4.2, 4.2, 4.1}},
    {76, 79, {4.9, 4.6, 4.5, 4.3, 4.3, 4.2}},   {80, 83, {5.0, 4.8, 4.6, 4.4, 4.3, 4.2}},
    {84, 87, {5.1, 4.8, 4.6, 4.5, 4.4, 4.3}},   {88, 92, {5.2, 4.9, 4.7, 4.6, 4.4, 4.3}},
    {93, 96, {5.3, 5.0, 4.8, 4.7, 4.5, 4.4}},   {97, 100, {5.4, 5.1, 4.8, 4.7, 4.5, 4.3}},
    {101, 105, {5.5, 5.2, 5.0, 4.7, 4.6, 4.5}}, {106, 110, {5.6, 5.3, 5.0, 4.8, 4.6, 4.5}},
    {111, 115, {5.7, 5.4, 5.1, 4.9, 4.7, 4.5}}, {116, 120, {5.8, 5.5, 5.2, 5.0, 4.8, 4.6}},
    {121, 126, {6.0, 5.5, 5.3, 5.0, 4.8, 4.6}}, {127, 132, {6.1, 5.7, 5.3, 5.1, 4.9, 4.7}},
    {133, 138, {6.2, 5.8, 5.4, 5.2, 5.0, 4.7}}, {139, 146, {6.3, 5.9, 5.6, 5.3, 5.0, 4.8}},
    {147, 154, {6.5, 6.0, 5.7, 5.4, 5.1, 4.8}}, {155, 163, {6.7, 6.2, 5.8, 5.4, 5.2, 4.9}},
    {164, 173, {6.8, 6.3, 5.9, 5.5, 5.3, 5.0}}, {174, 185, {7.0, 6.5, 6.0, 5.7, 5.4, 5.1}},
    {186, 201, {7.3, 6.7, 6.2, 5.8, 5.5, 5.2}}, {202, 220, {7.6, 6.9, 6.4, 6.0, 5.6, 5.3}},
    {221, 247, {8.0, 7.2, 6.6, 6.2, 5.9, 5.4}}, {248, 292, {8.5, 7.6, 7.0, 6.5, 6.1, 5.6}},
    {293, 399, {9.5, 8.3, 7.5, 7.0, 6.5, 5.9}}, {400, 13975, {11.9, 10.0, 8.8, 8.1, 7.5, 6.7}},
}};
constexpr std::array<double, 5> kNonHdlEdges = {100, 130, 160, 190, 220};

// The factor for a triglyceride and non-HDL value: the row whose printed range holds the value
// rounded down (49.5 is in 7-49), the column by the printed non-HDL edges.
double martin_hopkins_factor(double tg, double non_hdl) {
  const int whole = static_cast<int>(std::floor(tg));
  std::size_t column = 0;
  while (column < kNonHdlEdges.size() && non_hdl >= kNonHdlEdges[column]) ++column;
  for (const FactorRow& row : kMartinHopkins) {
    if (whole >= row.tg_from && whole <= row.tg_to) return row.factors[column];
  }
  return std::nan("");
}

// --- the file
// -------------------------------------------------------------------------------------

TEST(DefaultCalculations, LoadWithoutAProblem) {
  const LoadOutcome outcome =
      load_calculations(default_calculations_text(), kDefaultCalculationsFileName);
  std::vector<std::string> problems;
  for (const Error& error : outcome.diagnostics) problems.push_back(error.to_string());
  EXPECT_EQ(problems, std::vector<std::string>{});
}

TEST(DefaultCalculations, DefineEveryCalculationTheCommandOffers) {
  const std::vector<std::string> expected = {"anion-gap",
                                             "egfr-ckd-epi-2021",
                                             "egfr-ckd-epi-2021-cys",
                                             "egfr-ckd-epi-2012-cys",
                                             "ldl-friedewald",
                                             "ldl-martin-hopkins",
                                             "ldl-sampson",
                                             "corrected-calcium",
                                             "osmolality",
                                             "osmolal-gap",
                                             "inr",
                                             "mcv",
                                             "mch",
                                             "mchc",
                                             "anc",
                                             "bun-creatinine-ratio",
                                             "ag-ratio"};
  for (const std::string& name : expected) {
    const Calculation* calculation = defaults().find(name);
    ASSERT_NE(calculation, nullptr) << name;
    EXPECT_FALSE(calculation->title().empty()) << name;
    EXPECT_FALSE(calculation->source().empty()) << name;
  }
  EXPECT_EQ(defaults().calculations().size(), expected.size());
}

TEST(DefaultCalculations, NameTheInputsAsTheCommandLineDocumentsThem) {
  const std::map<std::string, std::vector<std::string>> inputs = {
      {"anion-gap", {"na", "cl", "hco3", "k"}},
      {"egfr-ckd-epi-2021", {"creatinine", "age", "sex"}},
      {"egfr-ckd-epi-2021-cys", {"creatinine", "cystatin", "age", "sex"}},
      {"egfr-ckd-epi-2012-cys", {"cystatin", "age", "sex"}},
      {"ldl-friedewald", {"tc", "hdl", "tg"}},
      {"ldl-martin-hopkins", {"tc", "hdl", "tg"}},
      {"ldl-sampson", {"tc", "hdl", "tg"}},
      {"corrected-calcium", {"ca", "albumin"}},
      {"osmolality", {"na", "glucose", "bun"}},
      {"osmolal-gap", {"measured", "na", "glucose", "bun"}},
      {"inr", {"pt", "mnpt", "isi"}},
      {"mcv", {"hct", "rbc"}},
      {"mch", {"hgb", "rbc"}},
      {"mchc", {"hgb", "hct"}},
      {"anc", {"wbc", "segs", "bands"}},
      {"bun-creatinine-ratio", {"bun", "creatinine"}},
      {"ag-ratio", {"albumin", "total-protein"}},
  };
  for (const auto& [name, names] : inputs) {
    const Calculation* calculation = defaults().find(name);
    ASSERT_NE(calculation, nullptr) << name;
    std::vector<std::string> actual;
    for (const InputDefinition& input : calculation->inputs()) actual.push_back(input.name);
    EXPECT_EQ(actual, names) << name;
  }
  // Only the anion gap's potassium is optional.
  for (const Calculation& calculation : defaults().calculations()) {
    for (const InputDefinition& input : calculation.inputs()) {
      const bool optional = input.requirement == Requirement::kOptional;
      EXPECT_EQ(optional, calculation.name() == "anion-gap" && input.name == "k")
          << calculation.name() << " " << input.name;
    }
  }
}

TEST(DefaultCalculations, WriteEveryUnitInUcum) {
  for (const Calculation& calculation : defaults().calculations()) {
    const Result<void> unit = catalog::validate_ucum(calculation.unit());
    EXPECT_TRUE(unit.has_value()) << calculation.name() << ": " << unit.error().message();
    for (const InputDefinition& input : calculation.inputs()) {
      if (input.kind == InputKind::kChoice) continue;
      const Result<void> input_unit = catalog::validate_ucum(input.unit);
      EXPECT_TRUE(input_unit.has_value())
          << calculation.name() << " " << input.name << ": " << input_unit.error().message();
    }
  }
}

// --- formulas
// -------------------------------------------------------------------------------------

TEST(AnionGap, SubtractsChlorideAndBicarbonateFromSodiumAndPotassiumWhenGiven) {
  const Computed without = run("anion-gap", {{"na", "140"}, {"cl", "104"}, {"hco3", "24"}});
  expect_value(without, 140 - (104 + 24));
  EXPECT_EQ(without.reported, "12");
  const Computed with =
      run("anion-gap", {{"na", "140"}, {"cl", "104"}, {"hco3", "24"}, {"k", "4.1"}});
  expect_value(with, 140 + 4.1 - (104 + 24));
  EXPECT_EQ(with.reported, "16");
}

TEST(AnionGap, IsNotReportedFromAHeldPotassium) {
  const Calculation* gap = defaults().find("anion-gap");
  ASSERT_NE(gap, nullptr);
  InputValues values;
  values.set(*gap->find_input("na"), 140);
  values.set(*gap->find_input("cl"), 104);
  values.set(*gap->find_input("hco3"), 24);
  values.hold(*gap->find_input("k"), "specimen hemolysed");
  const Outcome outcome = gap->compute(values);
  EXPECT_FALSE(outcome.reportable());
  EXPECT_EQ(gap->reason(outcome, values), "input 'k' (Potassium) is held: specimen hemolysed");
}

TEST(EgfrCkdEpi2021, FollowsThePublishedEquation) {
  for (const double scr : {0.3, 0.69, 0.7, 0.71, 0.89, 0.9, 0.91, 1.0, 1.4, 2.5, 8.0}) {
    for (const double age : {18.0, 35.5, 50.0, 90.0}) {
      for (const bool female : {true, false}) {
        SCOPED_TRACE(text(scr) + " mg/dL, " + text(age) + " years, " + (female ? "F" : "M"));
        expect_value(
            run("egfr-ckd-epi-2021",
                {{"creatinine", text(scr)}, {"age", text(age)}, {"sex", female ? "F" : "M"}}),
            ckd_epi_2021(scr, age, female));
      }
    }
  }
}

TEST(EgfrCkdEpi2021, MatchesHandWorkedExamples) {
  // Woman, 50 years, creatinine 1.0 mg/dL: Scr/κ = 1.0/0.7 = 1.428571 > 1, so the min term is 1;
  // 1.428571^-1.200 = 0.651805; 0.9938^50 = 0.732740; 142 × 0.651805 × 0.732740 × 1.012 = 68.63.
  const Computed woman =
      run("egfr-ckd-epi-2021", {{"creatinine", "1.0"}, {"age", "50"}, {"sex", "F"}});
  ASSERT_TRUE(woman.reportable) << woman.reason;
  EXPECT_NEAR(woman.value, 68.63, 0.005);
  EXPECT_EQ(woman.reported, "69");
  // Man, 60 years, creatinine 1.0 mg/dL: Scr/κ = 1.0/0.9 = 1.111111; 1.111111^-1.200 = 0.881234;
  // 0.9938^60 = 0.688556; 142 × 0.881234 × 0.688556 = 86.16.
  const Computed man =
      run("egfr-ckd-epi-2021", {{"creatinine", "1.0"}, {"age", "60"}, {"sex", "M"}});
  ASSERT_TRUE(man.reportable) << man.reason;
  EXPECT_NEAR(man.value, 86.16, 0.005);
  EXPECT_EQ(man.reported, "86");
}

TEST(EgfrCkdEpi2021Cys, FollowsThePublishedEquation) {
  for (const double scr : {0.5, 0.7, 0.9, 1.3, 4.0}) {
    for (const double scys : {0.5, 0.8, 1.0, 2.2}) {
      for (const bool female : {true, false}) {
        SCOPED_TRACE(text(scr) + " mg/dL, " + text(scys) + " mg/L, " + (female ? "F" : "M"));
        expect_value(run("egfr-ckd-epi-2021-cys", {{"creatinine", text(scr)},
                                                   {"cystatin", text(scys)},
                                                   {"age", "47"},
                                                   {"sex", female ? "F" : "M"}}),
                     ckd_epi_2021_cys(scr, scys, 47, female));
      }
    }
  }
  // Woman, 50 years, creatinine 1.0 mg/dL, cystatin C 1.0 mg/L: 135 × 1.428571^-0.544 (0.823632)
  // × 1.25^-0.778 (0.840628) × 0.9961^50 (0.822521) × 0.963 = 74.04.
  const Computed woman =
      run("egfr-ckd-epi-2021-cys",
          {{"creatinine", "1.0"}, {"cystatin", "1.0"}, {"age", "50"}, {"sex", "F"}});
  ASSERT_TRUE(woman.reportable) << woman.reason;
  EXPECT_NEAR(woman.value, 74.04, 0.005);
  EXPECT_EQ(woman.reported, "74");
}

TEST(EgfrCkdEpi2012Cys, FollowsThePublishedEquation) {
  for (const double scys : {0.4, 0.79, 0.8, 0.81, 1.5, 3.0}) {
    for (const bool female : {true, false}) {
      SCOPED_TRACE(text(scys) + " mg/L, " + (female ? "F" : "M"));
      expect_value(run("egfr-ckd-epi-2012-cys",
                       {{"cystatin", text(scys)}, {"age", "63"}, {"sex", female ? "F" : "M"}}),
                   ckd_epi_2012_cys(scys, 63, female));
    }
  }
  // Woman, 50 years, cystatin C 1.0 mg/L: 133 × 1.25^-1.328 (0.743539) × 0.996^50 (0.818402) ×
  // 0.932 = 75.43.
  const Computed woman =
      run("egfr-ckd-epi-2012-cys", {{"cystatin", "1.0"}, {"age", "50"}, {"sex", "F"}});
  ASSERT_TRUE(woman.reportable) << woman.reason;
  EXPECT_NEAR(woman.value, 75.43, 0.005);
  EXPECT_EQ(woman.reported, "75");
}

TEST(LdlFriedewald, SubtractsHdlAndAFifthOfTriglycerides) {
  const Computed result = run("ldl-friedewald", {{"tc", "200"}, {"hdl", "50"}, {"tg", "150"}});
  expect_value(result, 200 - 50 - 150.0 / 5);
  EXPECT_EQ(result.reported, "120");
}

TEST(LdlMartinHopkins, DividesTriglyceridesByTheFactorOfTheirBands) {
  // Non-HDL 150 is in column 130-159; triglycerides 150 in row 147-154: factor 5.7.
  const Computed result = run("ldl-martin-hopkins", {{"tc", "200"}, {"hdl", "50"}, {"tg", "150"}});
  expect_value(result, 150 - 150 / 5.7);
  EXPECT_EQ(result.reported, "124");
  for (const double tg : {7.0, 49.5, 88.0, 120.0, 250.0, 399.0, 400.0, 1200.0}) {
    for (const double tc : {140.0, 175.0, 230.0, 320.0}) {
      SCOPED_TRACE("tg " + text(tg) + ", tc " + text(tc));
      const double non_hdl = tc - 45;
      const double ldl = non_hdl - tg / martin_hopkins_factor(tg, non_hdl);
      const Computed computed =
          run("ldl-martin-hopkins", {{"tc", text(tc)}, {"hdl", "45"}, {"tg", text(tg)}});
      if (ldl < 0) {
        EXPECT_FALSE(computed.reportable);
      } else {
        expect_value(computed, ldl);
      }
    }
  }
}

TEST(LdlSampson, FollowsNihEquationTwoWithTriglyceridesSquared) {
  for (const double tg : {50.0, 150.0, 399.0, 650.0, 800.0}) {
    SCOPED_TRACE("tg " + text(tg));
    expect_value(run("ldl-sampson", {{"tc", "260"}, {"hdl", "40"}, {"tg", text(tg)}}),
                 sampson(260, 40, tg));
  }
  // 200/0.948 - 50/0.971 - (150/8.56 + 150 × 150/2140 - 150²/16100) - 9.44 = 123.40.
  const Computed result = run("ldl-sampson", {{"tc", "200"}, {"hdl", "50"}, {"tg", "150"}});
  ASSERT_TRUE(result.reportable) << result.reason;
  EXPECT_NEAR(result.value, 123.397, 0.001);
  EXPECT_EQ(result.reported, "123");
}

TEST(CorrectedCalcium, AddsEightTenthsPerGramOfAlbuminBelowFour) {
  const Computed low = run("corrected-calcium", {{"ca", "8.0"}, {"albumin", "2.5"}});
  expect_value(low, 8.0 + 0.8 * (4.0 - 2.5));
  EXPECT_EQ(low.reported, "9.2");
  expect_value(run("corrected-calcium", {{"ca", "10.1"}, {"albumin", "4.6"}}), 10.1 + 0.8 * -0.6);
}

TEST(Osmolality, AddsTwiceSodiumGlucoseOver18AndBunOver2Point8) {
  const Computed result = run("osmolality", {{"na", "140"}, {"glucose", "90"}, {"bun", "14"}});
  expect_value(result, 2 * 140 + 90.0 / 18 + 14 / 2.8);
  EXPECT_EQ(result.reported, "290");
  const Computed gap =
      run("osmolal-gap", {{"measured", "310"}, {"na", "140"}, {"glucose", "90"}, {"bun", "14"}});
  expect_value(gap, 310 - (2 * 140 + 90.0 / 18 + 14 / 2.8));
  EXPECT_EQ(gap.reported, "20");
  expect_value(
      run("osmolal-gap", {{"measured", "285"}, {"na", "140"}, {"glucose", "90"}, {"bun", "14"}}),
      -5);
}

TEST(Inr, RaisesThePtRatioToTheIsi) {
  const Computed result = run("inr", {{"pt", "24"}, {"mnpt", "12"}, {"isi", "1.2"}});
  expect_value(result, std::pow(2.0, 1.2));
  EXPECT_EQ(result.reported, "2.3");
  expect_value(run("inr", {{"pt", "11.8"}, {"mnpt", "12.4"}, {"isi", "0.97"}}),
               std::pow(11.8 / 12.4, 0.97));
}

TEST(RedCellIndices, FollowTheTextbookFormulas) {
  const Computed mcv = run("mcv", {{"hct", "45"}, {"rbc", "5"}});
  expect_value(mcv, 45 * 10.0 / 5);
  EXPECT_EQ(mcv.reported, "90.0");
  const Computed mch = run("mch", {{"hgb", "15"}, {"rbc", "5"}});
  expect_value(mch, 15 * 10.0 / 5);
  EXPECT_EQ(mch.reported, "30.0");
  const Computed mchc = run("mchc", {{"hgb", "15"}, {"hct", "45"}});
  expect_value(mchc, 15.0 / 45 * 100);
  EXPECT_EQ(mchc.reported, "33.3");
}

TEST(Anc, TakesSegmentedAndBandNeutrophilsOfTheWhiteCount) {
  const Computed result = run("anc", {{"wbc", "8.0"}, {"segs", "55"}, {"bands", "5"}});
  expect_value(result, 8.0 * (55 + 5) / 100);
  EXPECT_EQ(result.reported, "4.80");
}

TEST(Ratios, DivideAsPrinted) {
  const Computed bun = run("bun-creatinine-ratio", {{"bun", "20"}, {"creatinine", "0.8"}});
  expect_value(bun, 20 / 0.8);
  EXPECT_EQ(bun.reported, "25");
  const Computed ag = run("ag-ratio", {{"albumin", "4.0"}, {"total-protein", "7.0"}});
  expect_value(ag, 4.0 / (7.0 - 4.0));
  EXPECT_EQ(ag.reported, "1.3");
}

// --- validity limits: at, just under and just over each boundary ---------------------------------

TEST(ValidityLimits, FriedewaldStopsAtTriglycerides400) {
  const auto friedewald = [](const std::string& tg) {
    return run("ldl-friedewald", {{"tc", "300"}, {"hdl", "40"}, {"tg", tg}});
  };
  expect_value(friedewald("399.99"), 300 - 40 - 399.99 / 5);
  const std::string reason =
      "Friedewald is not valid when triglycerides are 400 mg/dL or more (Friedewald 1972)";
  EXPECT_FALSE(friedewald("400").reportable);
  EXPECT_EQ(friedewald("400").reason, reason);
  EXPECT_EQ(friedewald("400.01").reason, reason);
}

TEST(ValidityLimits, SampsonStopsAboveTriglycerides800) {
  const auto sampson_at = [](const std::string& tg) {
    return run("ldl-sampson", {{"tc", "300"}, {"hdl", "40"}, {"tg", tg}});
  };
  expect_value(sampson_at("799.99"), sampson(300, 40, 799.99));
  expect_value(sampson_at("800"), sampson(300, 40, 800));
  const Computed over = sampson_at("800.01");
  EXPECT_FALSE(over.reportable);
  EXPECT_EQ(over.reason,
            "the Sampson equation is not valid when triglycerides are above 800 mg/dL (Sampson "
            "2020)");
}

TEST(ValidityLimits, MartinHopkinsCoversTriglycerides7To13975) {
  const auto martin = [](const std::string& tg) {
    return run("ldl-martin-hopkins", {{"tc", "3000"}, {"hdl", "40"}, {"tg", tg}});
  };
  const std::string reason =
      "the Martin–Hopkins factor table covers triglycerides from 7 to 13975 mg/dL only (Martin "
      "2013)";
  EXPECT_EQ(martin("6.99").reason, reason);
  expect_value(martin("7"), 2960 - 7 / 3.1);
  expect_value(martin("7.01"), 2960 - 7.01 / 3.1);
  expect_value(martin("13975"), 2960 - 13975 / 6.7);
  expect_value(martin("13975.99"), 2960 - 13975.99 / 6.7);
  EXPECT_EQ(martin("13976").reason, reason);
  EXPECT_EQ(martin("13976.01").reason, reason);
}

TEST(ValidityLimits, CkdEpiIsForAdultsFrom18) {
  for (const std::string name :
       {"egfr-ckd-epi-2021", "egfr-ckd-epi-2021-cys", "egfr-ckd-epi-2012-cys"}) {
    SCOPED_TRACE(name);
    const auto at_age = [&](const std::string& age) {
      std::map<std::string, std::string> inputs = {{"age", age}, {"sex", "M"}};
      if (name != "egfr-ckd-epi-2012-cys") inputs["creatinine"] = "0.9";
      if (name != "egfr-ckd-epi-2021") inputs["cystatin"] = "0.9";
      return run(name, inputs);
    };
    const Computed child = at_age("17.99");
    EXPECT_FALSE(child.reportable);
    EXPECT_EQ(child.reason.rfind("CKD-EPI is validated for adults (18 years or older) only (Inker "
                                 "20",
                                 0),
              0u)
        << child.reason;
    EXPECT_TRUE(at_age("18").reportable) << at_age("18").reason;
    EXPECT_TRUE(at_age("18.01").reportable);
  }
}

TEST(ValidityLimits, CalculatedLdlBelowZeroIsNotReported) {
  // Friedewald: 100 - 80 - tg/5 is 0 at tg 100.
  expect_value(run("ldl-friedewald", {{"tc", "100"}, {"hdl", "80"}, {"tg", "99.5"}}), 0.1);
  const Computed zero = run("ldl-friedewald", {{"tc", "100"}, {"hdl", "80"}, {"tg", "100"}});
  ASSERT_TRUE(zero.reportable) << zero.reason;
  EXPECT_EQ(zero.reported, "0");
  const Computed below = run("ldl-friedewald", {{"tc", "100"}, {"hdl", "80"}, {"tg", "100.5"}});
  EXPECT_FALSE(below.reportable);
  EXPECT_EQ(below.reason,
            "the calculated LDL cholesterol is below 0 mg/dL, which is not possible: check the "
            "inputs or measure LDL directly");
  EXPECT_FALSE(run("ldl-martin-hopkins", {{"tc", "100"}, {"hdl", "80"}, {"tg", "300"}}).reportable);
  EXPECT_FALSE(run("ldl-sampson", {{"tc", "100"}, {"hdl", "90"}, {"tg", "700"}}).reportable);
}

TEST(ValidityLimits, AlbuminGlobulinRatioNeedsProteinAboveAlbumin) {
  const std::string reason =
      "total protein must be greater than albumin: the globulin fraction (total protein - "
      "albumin) is not above 0";
  EXPECT_EQ(run("ag-ratio", {{"albumin", "4.0"}, {"total-protein", "3.99"}}).reason, reason);
  EXPECT_EQ(run("ag-ratio", {{"albumin", "4.0"}, {"total-protein", "4.0"}}).reason, reason);
  expect_value(run("ag-ratio", {{"albumin", "4.0"}, {"total-protein", "4.01"}}),
               4.0 / (4.01 - 4.0));
}

TEST(ValidityLimits, NeutrophilsCannotExceedAllWhiteCells) {
  expect_value(run("anc", {{"wbc", "5"}, {"segs", "90"}, {"bands", "9.99"}}), 5 * 99.99 / 100);
  expect_value(run("anc", {{"wbc", "5"}, {"segs", "90"}, {"bands", "10"}}), 5.0);
  EXPECT_EQ(run("anc", {{"wbc", "5"}, {"segs", "90"}, {"bands", "10.01"}}).reason,
            "segmented and band neutrophils together are more than 100 % of the white cells: "
            "check the differential");
}

TEST(ValidityLimits, InputsAboveZeroRefuseZeroAndAcceptJustAbove) {
  struct Case {
    std::string calculation;
    std::string input;
    std::map<std::string, std::string> others;
    std::string message_for_zero;
  };
  const std::vector<Case> cases = {
      {"egfr-ckd-epi-2021",
       "creatinine",
       {{"age", "40"}, {"sex", "F"}},
       "input 'creatinine' (Creatinine) is 0 mg/dL: it must be above 0 mg/dL"},
      {"egfr-ckd-epi-2012-cys",
       "cystatin",
       {{"age", "40"}, {"sex", "F"}},
       "input 'cystatin' (Cystatin C) is 0 mg/L: it must be above 0 mg/L"},
      {"mcv",
       "rbc",
       {{"hct", "40"}},
       "input 'rbc' (Red blood cell count) is 0 10*12/L: it must be above 0 10*12/L"},
      {"inr",
       "mnpt",
       {{"pt", "12"}, {"isi", "1"}},
       "input 'mnpt' (Mean normal prothrombin time of the reagent lot) is 0 s: it must be above 0 "
       "s"},
      {"inr",
       "isi",
       {{"pt", "12"}, {"mnpt", "12"}},
       "input 'isi' (International sensitivity index of the reagent lot) is 0: it must be above "
       "0"},
      {"bun-creatinine-ratio",
       "creatinine",
       {{"bun", "10"}},
       "input 'creatinine' (Creatinine) is 0 mg/dL: it must be above 0 mg/dL"},
  };
  for (const Case& item : cases) {
    SCOPED_TRACE(item.calculation + " " + item.input);
    std::map<std::string, std::string> inputs = item.others;
    inputs[item.input] = "-0.001";
    EXPECT_FALSE(run(item.calculation, inputs).reportable);
    inputs[item.input] = "0";
    EXPECT_EQ(run(item.calculation, inputs).reason, item.message_for_zero);
    inputs[item.input] = "0.001";
    EXPECT_TRUE(run(item.calculation, inputs).reportable) << run(item.calculation, inputs).reason;
  }
}

TEST(ValidityLimits, PercentagesStopAt100) {
  expect_value(run("mcv", {{"hct", "100"}, {"rbc", "5"}}), 200);
  EXPECT_EQ(run("mcv", {{"hct", "100.01"}, {"rbc", "5"}}).reason,
            "input 'hct' (Hematocrit) is 100.01 %: it must be at least 0 and at most 100 %");
  expect_value(run("mcv", {{"hct", "99.99"}, {"rbc", "5"}}), 199.98);
  expect_value(run("mchc", {{"hgb", "10"}, {"hct", "0.01"}}), 100000);
  EXPECT_EQ(run("mchc", {{"hgb", "10"}, {"hct", "0"}}).reason,
            "input 'hct' (Hematocrit) is 0 %: it must be above 0 and at most 100 %");
}

// --- the Martin–Hopkins table -----------------------------------------------------------------

TEST(MartinHopkinsTable, HoldsThe180FactorsOfTheReference) {
  ASSERT_EQ(defaults().tables().size(), 1u);
  const BandTable& table = *defaults().tables()[0];
  EXPECT_EQ(table.name(), "martin_hopkins_factor");
  ASSERT_EQ(table.rows().size(), kMartinHopkins.size());
  ASSERT_EQ(table.columns().size(), 6u);
  for (std::size_t row = 0; row < kMartinHopkins.size(); ++row) {
    for (std::size_t column = 0; column < 6; ++column) {
      EXPECT_EQ(table.cell(row, column), kMartinHopkins[row].factors[column])
          << "row " << kMartinHopkins[row].tg_from << "-" << kMartinHopkins[row].tg_to
          << ", column " << column + 1;
    }
  }
}

TEST(MartinHopkinsTable, PutsEveryBandEdgeInTheRightBand) {
  const BandTable& table = *defaults().tables()[0];
  const std::array<double, 6> column_values = {-50, 100, 130, 160, 190, 220};
  for (std::size_t row = 0; row < kMartinHopkins.size(); ++row) {
    const FactorRow& printed = kMartinHopkins[row];
    // The first printed value, the last printed value, and just under the next row's first.
    for (const double tg : {static_cast<double>(printed.tg_from),
                            static_cast<double>(printed.tg_to), printed.tg_to + 0.999}) {
      for (std::size_t column = 0; column < 6; ++column) {
        SCOPED_TRACE("tg " + text(tg) + ", column " + std::to_string(column + 1));
        // At each column's lower edge, and just under the next column's.
        EXPECT_EQ(table.lookup(tg, column_values[column]), printed.factors[column]);
        const double just_under_next = column < 5 ? column_values[column + 1] - 0.001 : 1e6;
        EXPECT_EQ(table.lookup(tg, just_under_next), printed.factors[column]);
      }
    }
  }
  EXPECT_EQ(table.lookup(6.999, 120), std::nullopt);
  EXPECT_EQ(table.lookup(13976, 120), std::nullopt);
}

TEST(MartinHopkinsTable, ChangesFactorExactlyAtTheEdgesInTheCalculation) {
  // HDL 40; total cholesterol puts non-HDL at 129.99 or 130 (columns 100-129 and 130-159).
  const auto ldl = [](const std::string& tc, const std::string& tg) {
    return run("ldl-martin-hopkins", {{"tc", tc}, {"hdl", "40"}, {"tg", tg}});
  };
  expect_value(ldl("169.99", "100"), (169.99 - 40) - 100 / 5.1);  // row 97-100, column 2
  expect_value(ldl("170", "100"), 130 - 100 / 4.8);               // row 97-100, column 3
  expect_value(ldl("170", "100.99"), 130 - 100.99 / 4.8);         // still row 97-100
  expect_value(ldl("170", "101"), 130 - 101 / 5.0);               // row 101-105
  expect_value(ldl("170", "399.99"), 130 - 399.99 / 7.5);         // row 293-399
  expect_value(ldl("170", "400"), 130 - 400 / 8.8);               // row 400-13975
}

}  // namespace
}  // namespace aliquot::calc
