#include "rules/flagging.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/result_values.h"

namespace aliquot::rules {
namespace {

using core::AbnormalFlag;
using core::AdministrativeSex;

// Potassium as a lab might define it: 3.5-5.1 mmol/L, critical at or below 2.5 and at or above
// 6.5 (the WakeMed limits quoted in the project's results.md).
core::TestDefinition potassium() {
  core::TestDefinition test;
  test.code = "K";
  test.name = "Potassium";
  test.unit = "mmol/L";
  test.kind = core::ResultKind::kNumeric;
  test.decimals = 1;
  core::ReferenceInterval adult;
  adult.low = 3.5;
  adult.high = 5.1;
  test.reference_intervals.push_back(adult);
  test.critical.low = 2.5;
  test.critical.high = 6.5;
  return test;
}

// A value in potassium's unit.
core::ResultValue mmol_per_l(double v, std::string comparator = "") {
  core::ResultValue value = test_support::number(v, std::move(comparator));
  value.unit = "mmol/L";
  return value;
}

AbnormalFlag flag_of(const core::TestDefinition& test, double v,
                     AdministrativeSex sex = AdministrativeSex::kFemale, int age_days = 20000) {
  return flag_result(test, mmol_per_l(v), sex, age_days).flag;
}

TEST(FlagResult, CriticalLimitsAreInclusive) {
  const core::TestDefinition k = potassium();
  EXPECT_EQ(flag_of(k, 2.5), AbnormalFlag::kCriticalLow);
  EXPECT_EQ(flag_of(k, 2.4), AbnormalFlag::kCriticalLow);
  EXPECT_EQ(flag_of(k, 2.51), AbnormalFlag::kLow);
  EXPECT_EQ(flag_of(k, 6.5), AbnormalFlag::kCriticalHigh);
  EXPECT_EQ(flag_of(k, 6.6), AbnormalFlag::kCriticalHigh);
  EXPECT_EQ(flag_of(k, 6.49), AbnormalFlag::kHigh);
}

TEST(FlagResult, MarksCriticalFlagsAsCritical) {
  const core::TestDefinition k = potassium();
  EXPECT_TRUE(flag_result(k, mmol_per_l(2.5), AdministrativeSex::kMale, 20000).critical);
  EXPECT_TRUE(flag_result(k, mmol_per_l(7.0), AdministrativeSex::kMale, 20000).critical);
  EXPECT_FALSE(flag_result(k, mmol_per_l(2.6), AdministrativeSex::kMale, 20000).critical);
  EXPECT_FALSE(flag_result(k, mmol_per_l(4.0), AdministrativeSex::kMale, 20000).critical);
}

TEST(FlagResult, ReferenceLimitsThemselvesAreWithinTheInterval) {
  const core::TestDefinition k = potassium();
  EXPECT_EQ(flag_of(k, 3.5), AbnormalFlag::kNone);
  EXPECT_EQ(flag_of(k, 3.49), AbnormalFlag::kLow);
  EXPECT_EQ(flag_of(k, 5.1), AbnormalFlag::kNone);
  EXPECT_EQ(flag_of(k, 5.11), AbnormalFlag::kHigh);
  EXPECT_EQ(flag_of(k, 4.2), AbnormalFlag::kNone);
}

TEST(FlagResult, ReportsTheRangeWithTheTestsDecimals) {
  core::TestDefinition k = potassium();
  EXPECT_EQ(flag_result(k, mmol_per_l(4.0), AdministrativeSex::kMale, 20000).reference_range,
            "3.5-5.1");
  k.decimals = 2;
  EXPECT_EQ(flag_result(k, mmol_per_l(4.0), AdministrativeSex::kMale, 20000).reference_range,
            "3.50-5.10");
}

TEST(FlagResult, ReportsAnIntervalWithOnlyAHighLimitAsLessThan) {
  core::TestDefinition cholesterol;
  cholesterol.code = "CHOL";
  cholesterol.unit = "mg/dL";
  core::ReferenceInterval desirable;
  desirable.high = 200;
  cholesterol.reference_intervals.push_back(desirable);
  const Flagging at_limit =
      flag_result(cholesterol, mmol_per_l(200), AdministrativeSex::kMale, 20000);
  EXPECT_EQ(at_limit.reference_range, "<200");
  EXPECT_EQ(at_limit.flag, AbnormalFlag::kNone);
  EXPECT_EQ(flag_of(cholesterol, 201), AbnormalFlag::kHigh);
  EXPECT_EQ(flag_of(cholesterol, 1), AbnormalFlag::kNone);
}

TEST(FlagResult, ReportsAnIntervalWithOnlyALowLimitAsGreaterThan) {
  core::TestDefinition hdl;
  hdl.code = "HDL";
  core::ReferenceInterval desirable;
  desirable.low = 40;
  hdl.reference_intervals.push_back(desirable);
  EXPECT_EQ(flag_result(hdl, mmol_per_l(55), AdministrativeSex::kMale, 20000).reference_range,
            ">40");
  EXPECT_EQ(flag_of(hdl, 40), AbnormalFlag::kNone);
  EXPECT_EQ(flag_of(hdl, 39), AbnormalFlag::kLow);
  EXPECT_EQ(flag_of(hdl, 400), AbnormalFlag::kNone);
}

TEST(FlagResult, WritesNegativeLimitsWithToSoTheHyphenIsNotReadAsMinus) {
  core::TestDefinition base_excess;
  base_excess.code = "BE";
  base_excess.decimals = 1;
  core::ReferenceInterval interval;
  interval.low = -2;
  interval.high = 2;
  base_excess.reference_intervals.push_back(interval);
  EXPECT_EQ(
      flag_result(base_excess, mmol_per_l(0), AdministrativeSex::kMale, 20000).reference_range,
      "-2.0 to 2.0");
  EXPECT_EQ(flag_of(base_excess, -2.1), AbnormalFlag::kLow);
}

TEST(FlagResult, AnIntervalWhoseLimitsAreEqualAcceptsOnlyThatValue) {
  core::TestDefinition test;
  test.code = "X";
  test.decimals = 1;
  core::ReferenceInterval interval;
  interval.low = 5;
  interval.high = 5;
  test.reference_intervals.push_back(interval);
  EXPECT_EQ(flag_result(test, mmol_per_l(5), AdministrativeSex::kMale, 1).reference_range,
            "5.0-5.0");
  EXPECT_EQ(flag_of(test, 5), AbnormalFlag::kNone);
  EXPECT_EQ(flag_of(test, 5.01), AbnormalFlag::kHigh);
  EXPECT_EQ(flag_of(test, 4.99), AbnormalFlag::kLow);
}

TEST(FlagResult, JudgesAComparatorValueByItsLimit) {
  // Troponin I reported below the measuring range: "<0.01" is not high, and ">50" is critical.
  core::TestDefinition troponin;
  troponin.code = "TROPI";
  troponin.unit = "ng/mL";
  troponin.decimals = 2;
  core::ReferenceInterval interval;
  interval.high = 0.04;
  troponin.reference_intervals.push_back(interval);
  troponin.critical.high = 0.30;  // ARUP 2017 (results.md)
  EXPECT_EQ(flag_result(troponin, mmol_per_l(0.01, "<"), AdministrativeSex::kMale, 20000).flag,
            AbnormalFlag::kNone);
  EXPECT_EQ(flag_result(troponin, mmol_per_l(50, ">"), AdministrativeSex::kMale, 20000).flag,
            AbnormalFlag::kCriticalHigh);
  // Potassium "<1.0" is at or below the critical low limit whatever the true value is.
  EXPECT_EQ(flag_result(potassium(), mmol_per_l(1.0, "<"), AdministrativeSex::kMale, 20000).flag,
            AbnormalFlag::kCriticalLow);
}

TEST(FlagResult, FlagsAgainstCriticalLimitsEvenWithoutAnApplicableInterval) {
  core::TestDefinition k = potassium();
  k.reference_intervals.clear();
  const Flagging normal = flag_result(k, mmol_per_l(9.0), AdministrativeSex::kMale, 20000);
  EXPECT_EQ(normal.flag, AbnormalFlag::kCriticalHigh);
  EXPECT_EQ(normal.reference_range, "");
  const Flagging unflagged = flag_result(k, mmol_per_l(5.9), AdministrativeSex::kMale, 20000);
  EXPECT_EQ(unflagged.flag, AbnormalFlag::kNone);
  EXPECT_EQ(unflagged.reference_range, "");
}

// Hemoglobin g/dL with sex-specific adult intervals and a newborn band (illustrative numbers
// for the selection logic; a lab's own intervals come from its catalog).
core::TestDefinition hemoglobin() {
  core::TestDefinition test;
  test.code = "HGB";
  test.unit = "g/dL";
  test.decimals = 1;
  core::ReferenceInterval newborn;
  newborn.age_min_days = 0;
  newborn.age_max_days = 30;
  newborn.low = 13.5;
  newborn.high = 21.5;
  core::ReferenceInterval male;
  male.sex = AdministrativeSex::kMale;
  male.age_min_days = 30;
  male.low = 13.5;
  male.high = 17.5;
  core::ReferenceInterval female;
  female.sex = AdministrativeSex::kFemale;
  female.age_min_days = 30;
  female.low = 12.0;
  female.high = 15.5;
  test.reference_intervals = {newborn, male, female};
  return test;
}

TEST(SelectReferenceInterval, UsesTheBandThatContainsTheAge) {
  const core::TestDefinition hgb = hemoglobin();
  // The day before the boundary is the newborn band; the day of it is the next band.
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kMale, 29),
            &hgb.reference_intervals[0]);
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kMale, 30),
            &hgb.reference_intervals[1]);
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kMale, 0),
            &hgb.reference_intervals[0]);
}

TEST(SelectReferenceInterval, ChoosesTheIntervalOfThePatientsSex) {
  const core::TestDefinition hgb = hemoglobin();
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kFemale, 10000),
            &hgb.reference_intervals[2]);
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kMale, 10000),
            &hgb.reference_intervals[1]);
  // 13.0 is low for a man and normal for a woman.
  EXPECT_EQ(flag_of(hgb, 13.0, AdministrativeSex::kMale, 10000), AbnormalFlag::kLow);
  EXPECT_EQ(flag_of(hgb, 13.0, AdministrativeSex::kFemale, 10000), AbnormalFlag::kNone);
}

TEST(SelectReferenceInterval, FindsNoneForASexWithoutItsOwnInterval) {
  const core::TestDefinition hgb = hemoglobin();
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kUnknown, 10000), nullptr);
  const Flagging flagging = flag_result(hgb, mmol_per_l(5.0), AdministrativeSex::kUnknown, 10000);
  EXPECT_EQ(flagging.flag, AbnormalFlag::kNone);
  EXPECT_EQ(flagging.reference_range, "");
  // The newborn band has no sex, so it applies to every sex.
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kUnknown, 3),
            &hgb.reference_intervals[0]);
}

TEST(SelectReferenceInterval, FindsNoneBeforeBirth) {
  const core::TestDefinition hgb = hemoglobin();
  EXPECT_EQ(select_reference_interval(hgb, AdministrativeSex::kMale, -1), nullptr);
}

// Specimen type and method qualifiers. The numbers only tell the intervals apart; a lab's own
// intervals come from its catalog.

struct Qualifiers {
  std::optional<AdministrativeSex> sex = std::nullopt;
  std::string specimen_type = "";
  std::string method = "";
};

core::ReferenceInterval qualified(double low, double high, Qualifiers qualifiers) {
  core::ReferenceInterval interval;
  interval.sex = qualifiers.sex;
  interval.specimen_type = std::move(qualifiers.specimen_type);
  interval.method = std::move(qualifiers.method);
  interval.low = low;
  interval.high = high;
  return interval;
}

core::TestDefinition test_with(std::vector<core::ReferenceInterval> intervals) {
  core::TestDefinition test;
  test.code = "X";
  test.unit = "U/L";
  test.decimals = 0;
  test.reference_intervals = std::move(intervals);
  return test;
}

constexpr int kAdult = 10000;  // days

const core::ReferenceInterval* select(const core::TestDefinition& test, AdministrativeSex sex,
                                      std::string_view specimen_type, std::string_view method) {
  return select_reference_interval(test, sex, kAdult, specimen_type, method);
}

TEST(SelectReferenceInterval, TakesTheFirstListedOfEquallySpecificIntervals) {
  const core::TestDefinition unqualified = test_with({qualified(1, 2, {}), qualified(3, 4, {})});
  EXPECT_EQ(select_reference_interval(unqualified, AdministrativeSex::kFemale, kAdult),
            &unqualified.reference_intervals[0]);
  const core::TestDefinition by_method =
      test_with({qualified(1, 2, {.specimen_type = "serum", .method = "cobas-c503"}),
                 qualified(3, 4, {.specimen_type = "serum", .method = "COBAS-C503"})});
  EXPECT_EQ(select(by_method, AdministrativeSex::kFemale, "serum", "cobas-c503"),
            &by_method.reference_intervals[0]);
}

TEST(SelectReferenceInterval, PrefersAnIntervalNamingTheSexToOneForBothSexes) {
  // The interval for both sexes is listed first: specificity, not order, decides.
  const core::TestDefinition test =
      test_with({qualified(1, 2, {}), qualified(3, 4, {.sex = AdministrativeSex::kFemale})});
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kFemale, kAdult),
            &test.reference_intervals[1]);
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kMale, kAdult),
            &test.reference_intervals[0]);
}

TEST(SelectReferenceInterval, PrefersAnIntervalNamingTheSpecimenTypeToOneNamingTheSex) {
  const core::TestDefinition test =
      test_with({qualified(1, 2, {.sex = AdministrativeSex::kFemale}),
                 qualified(3, 4, {.specimen_type = "plasma-heparin"})});
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "plasma-heparin", ""),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "serum", ""), &test.reference_intervals[0]);
}

TEST(SelectReferenceInterval, PrefersAnIntervalNamingTheMethodToOneNamingSpecimenTypeAndSex) {
  const core::TestDefinition test =
      test_with({qualified(1, 2, {.sex = AdministrativeSex::kMale, .specimen_type = "serum"}),
                 qualified(3, 4, {.method = "architect-ci4100"})});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "architect-ci4100"),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "vitros-5600"),
            &test.reference_intervals[0]);
}

TEST(SelectReferenceInterval, PrefersTheMethodIntervalNamingAlsoTheSpecimenType) {
  const core::TestDefinition test =
      test_with({qualified(1, 2, {.method = "cobas-c503"}),
                 qualified(3, 4, {.specimen_type = "urine", .method = "cobas-c503"})});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "urine", "cobas-c503"),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "cobas-c503"),
            &test.reference_intervals[0]);
}

TEST(SelectReferenceInterval, MatchesTheMethodIgnoringLetterCase) {
  const core::TestDefinition test =
      test_with({qualified(1, 2, {}), qualified(3, 4, {.method = "Cobas-C503"})});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "COBAS-c503"),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "cobas-c503"),
            &test.reference_intervals[1]);
}

TEST(SelectReferenceInterval, FallsBackToTheIntervalWithoutMethodForAnotherOrUnknownMethod) {
  const core::TestDefinition test =
      test_with({qualified(3, 4, {.method = "cobas-c503"}), qualified(1, 2, {})});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "cobas-c502"),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "cobas-c503 "),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", ""), &test.reference_intervals[1]);
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kMale, kAdult),
            &test.reference_intervals[1]);
}

TEST(SelectReferenceInterval, NeverAppliesAMethodIntervalWhenTheMethodIsUnknown) {
  const core::TestDefinition test = test_with({qualified(3, 4, {.method = "cobas-c503"})});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", ""), nullptr);
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "architect-ci4100"), nullptr);
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kMale, kAdult), nullptr);
}

TEST(SelectReferenceInterval, FallsBackToTheIntervalWithoutSpecimenTypeForAnotherSpecimenType) {
  const core::TestDefinition test =
      test_with({qualified(1, 2, {}), qualified(3, 4, {.specimen_type = "urine"})});
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "urine", ""), &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "URINE", ""), &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "serum", ""), &test.reference_intervals[0]);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "", ""), &test.reference_intervals[0]);
}

TEST(SelectReferenceInterval, NeverAppliesASpecimenTypeIntervalWhenTheSpecimenTypeIsUnknown) {
  const core::TestDefinition test = test_with({qualified(3, 4, {.specimen_type = "urine"})});
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "serum", "cobas-c503"), nullptr);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "", "cobas-c503"), nullptr);
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kFemale, kAdult), nullptr);
}

TEST(SelectReferenceInterval, AppliesSexAndAgeToQualifiedIntervalsToo) {
  core::ReferenceInterval men_on_cobas =
      qualified(3, 4, {.sex = AdministrativeSex::kMale, .method = "cobas-c503"});
  men_on_cobas.age_min_days = 6575;  // 18y
  const core::TestDefinition test = test_with({qualified(1, 2, {}), men_on_cobas});
  EXPECT_EQ(select(test, AdministrativeSex::kMale, "serum", "cobas-c503"),
            &test.reference_intervals[1]);
  EXPECT_EQ(select(test, AdministrativeSex::kFemale, "serum", "cobas-c503"),
            &test.reference_intervals[0]);
  EXPECT_EQ(select_reference_interval(test, AdministrativeSex::kMale, 6574, "serum", "cobas-c503"),
            &test.reference_intervals[0]);
}

TEST(FlagResult, FlagsAgainstTheIntervalOfTheSpecimenTypeAndMethod) {
  const core::TestDefinition test =
      test_with({qualified(40, 130, {}), qualified(35, 105, {.method = "cobas-c503"})});
  const Flagging on_cobas =
      flag_result(test, mmol_per_l(120), AdministrativeSex::kMale, kAdult, "serum", "COBAS-C503");
  EXPECT_EQ(on_cobas.flag, AbnormalFlag::kHigh);
  EXPECT_EQ(on_cobas.reference_range, "35-105");
  const Flagging elsewhere =
      flag_result(test, mmol_per_l(120), AdministrativeSex::kMale, kAdult, "serum", "vitros-5600");
  EXPECT_EQ(elsewhere.flag, AbnormalFlag::kNone);
  EXPECT_EQ(elsewhere.reference_range, "40-130");
}

TEST(FlagResult, GivesNoFlagAndNoRangeWhenNoQualifiedIntervalApplies) {
  core::TestDefinition test = test_with({qualified(35, 105, {.specimen_type = "urine"}),
                                         qualified(35, 105, {.method = "cobas-c503"})});
  const Flagging flagging =
      flag_result(test, mmol_per_l(500), AdministrativeSex::kMale, kAdult, "serum", "vitros-5600");
  EXPECT_EQ(flagging.flag, AbnormalFlag::kNone);
  EXPECT_FALSE(flagging.critical);
  EXPECT_EQ(flagging.reference_range, "");
  EXPECT_EQ(flag_result(test, mmol_per_l(500), AdministrativeSex::kMale, kAdult).reference_range,
            "");
  // Critical limits do not depend on an interval.
  test.critical.high = 400;
  EXPECT_EQ(
      flag_result(test, mmol_per_l(500), AdministrativeSex::kMale, kAdult, "serum", "vitros-5600")
          .flag,
      AbnormalFlag::kCriticalHigh);
}

core::TestDefinition urine_nitrite() {
  core::TestDefinition test;
  test.code = "UNIT";
  test.name = "Urine nitrite";
  test.kind = core::ResultKind::kCoded;
  test.answers = {"negative", "positive"};
  test.abnormal_answers = {"positive"};
  core::ReferenceInterval interval;
  interval.text = "negative";
  test.reference_intervals.push_back(interval);
  return test;
}

TEST(FlagResult, FlagsAnAbnormalCodedAnswerA) {
  const core::TestDefinition test = urine_nitrite();
  core::ResultValue positive;
  positive.kind = core::ResultKind::kCoded;
  positive.text = "positive";
  const Flagging flagged = flag_result(test, positive, AdministrativeSex::kFemale, 9000);
  EXPECT_EQ(flagged.flag, AbnormalFlag::kAbnormal);
  EXPECT_FALSE(flagged.critical);
  EXPECT_EQ(flagged.reference_range, "negative");
  core::ResultValue negative = positive;
  negative.text = "negative";
  EXPECT_EQ(flag_result(test, negative, AdministrativeSex::kFemale, 9000).flag,
            AbnormalFlag::kNone);
}

TEST(FlagResult, NeverFlagsText) {
  core::TestDefinition comment;
  comment.code = "CMT";
  comment.kind = core::ResultKind::kText;
  core::ResultValue text;
  text.kind = core::ResultKind::kText;
  text.text = "positive for everything";
  EXPECT_EQ(flag_result(comment, text, AdministrativeSex::kMale, 100).flag, AbnormalFlag::kNone);
}

TEST(ParseResultValue, ReadsPlainDecimals) {
  const core::TestDefinition k = potassium();
  const Result<core::ResultValue> value = parse_result_value(k, " 4.1 ", "mmol/L");
  ASSERT_TRUE(value.has_value()) << value.error().message();
  EXPECT_EQ(value->kind, core::ResultKind::kNumeric);
  EXPECT_DOUBLE_EQ(value->number, 4.1);
  EXPECT_EQ(value->comparator, "");
  EXPECT_EQ(value->unit, "mmol/L");
  EXPECT_EQ(value->decimals, 1);
  const Result<core::ResultValue> negative = parse_result_value(k, "-2", "");
  ASSERT_TRUE(negative.has_value());
  EXPECT_DOUBLE_EQ(negative->number, -2);
  const Result<core::ResultValue> full = parse_result_value(k, "4.123456", "");
  ASSERT_TRUE(full.has_value());
  EXPECT_DOUBLE_EQ(full->number, 4.123456);  // kept; reported as 4.1
  EXPECT_EQ(core::format_reported(*full), "4.1");
}

TEST(ParseResultValue, ReadsComparators) {
  const core::TestDefinition k = potassium();
  const Result<core::ResultValue> below = parse_result_value(k, "<1.0", "");
  ASSERT_TRUE(below.has_value());
  EXPECT_EQ(below->comparator, "<");
  EXPECT_DOUBLE_EQ(below->number, 1.0);
  const Result<core::ResultValue> above = parse_result_value(k, "> 10", "");
  ASSERT_TRUE(above.has_value());
  EXPECT_EQ(above->comparator, ">");
  EXPECT_DOUBLE_EQ(above->number, 10);
  EXPECT_EQ(core::format_reported(*above), ">10.0");
}

TEST(ParseResultValue, RefusesInclusiveComparators) {
  const Result<core::ResultValue> value = parse_result_value(potassium(), "<=1.0", "");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(value.error().message(),
            "value '<=1.0' for test K (Potassium): comparator '<=' is not accepted; report a "
            "measuring-range limit as '<x' or '>x'");
  EXPECT_FALSE(parse_result_value(potassium(), ">=10", "").has_value());
}

TEST(ParseResultValue, RefusesAnythingButAPlainDecimal) {
  const core::TestDefinition k = potassium();
  const Result<core::ResultValue> exponent = parse_result_value(k, "1e3", "");
  ASSERT_FALSE(exponent.has_value());
  EXPECT_EQ(exponent.error().message(),
            "value '1e3' for test K (Potassium) is not a plain decimal number: exponent notation "
            "is not accepted; write the plain decimal");
  const Result<core::ResultValue> nan = parse_result_value(k, "NaN", "");
  ASSERT_FALSE(nan.has_value());
  EXPECT_EQ(nan.error().message(),
            "value 'NaN' for test K (Potassium) is not a plain decimal number: not a number");
  const Result<core::ResultValue> leading_point = parse_result_value(k, ".5", "");
  ASSERT_FALSE(leading_point.has_value());
  EXPECT_EQ(leading_point.error().message(),
            "value '.5' for test K (Potassium) is not a plain decimal number: a decimal point "
            "needs a digit before it (write 0.5, not .5)");
  for (const char* bad : {"inf", "-inf", "infinity", "5.", "+4", "4,1", "1,000", "4.1.2", "4 1",
                          "0x10", "4.1mmol", "-", "<", "--2", "hemolyzed", "1E3", "1.5e-2"}) {
    const Result<core::ResultValue> value = parse_result_value(k, bad, "");
    ASSERT_FALSE(value.has_value()) << bad;
    EXPECT_EQ(value.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(value.error().message().find("K (Potassium)"), std::string::npos) << bad;
  }
}

TEST(ParseResultValue, RefusesANumberTooLargeForADouble) {
  const std::string huge = "1" + std::string(400, '0');
  const Result<core::ResultValue> value = parse_result_value(potassium(), huge, "");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "value '" + huge + "' for test K (Potassium) is out of range");
}

TEST(ParseResultValue, RefusesAnEmptyValue) {
  const Result<core::ResultValue> value = parse_result_value(potassium(), "   ", "");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "no value given for test K (Potassium)");
}

TEST(ParseResultValue, ComparesTheUnitExactly) {
  const Result<core::ResultValue> value = parse_result_value(potassium(), "4.1", "mmol/l");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(),
            "unit 'mmol/l' does not match the unit 'mmol/L' of test K (Potassium)");
  EXPECT_FALSE(parse_result_value(potassium(), "4.1", "mEq/L").has_value());
  EXPECT_TRUE(parse_result_value(potassium(), "4.1", "mmol/L").has_value());
}

TEST(ParseResultValue, RefusesAUnitForATestWithoutOne) {
  const Result<core::ResultValue> value = parse_result_value(urine_nitrite(), "negative", "mg");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(),
            "test UNIT (Urine nitrite) has no unit, but unit 'mg' was given");
}

TEST(ParseResultValue, StoresACodedAnswerAsTheCatalogSpellsIt) {
  const Result<core::ResultValue> value = parse_result_value(urine_nitrite(), "POSITIVE", "");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->kind, core::ResultKind::kCoded);
  EXPECT_EQ(value->text, "positive");
}

TEST(ParseResultValue, RefusesAnAnswerTheTestDoesNotHave) {
  const Result<core::ResultValue> value = parse_result_value(urine_nitrite(), "trace", "");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(),
            "'trace' is not an answer of test UNIT (Urine nitrite); one of: negative, positive");
}

TEST(ParseResultValue, KeepsTextAsEntered) {
  core::TestDefinition comment;
  comment.code = "CMT";
  comment.kind = core::ResultKind::kText;
  const Result<core::ResultValue> value = parse_result_value(comment, "  Gram-positive cocci ", "");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(value->text, "Gram-positive cocci");
  EXPECT_FALSE(parse_result_value(comment, "", "").has_value());
}

}  // namespace
}  // namespace aliquot::rules
