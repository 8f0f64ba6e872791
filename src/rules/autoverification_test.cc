#include "rules/autoverification.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/result_values.h"

namespace aliquot::rules {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

core::TestDefinition potassium() {
  core::TestDefinition test;
  test.code = "K";
  test.name = "Potassium";
  test.unit = "mmol/L";
  test.section = "chemistry";
  test.decimals = 1;
  test.critical = {2.5, 6.5};
  return test;
}

core::TestDefinition mcv() {
  core::TestDefinition test;
  test.code = "MCV";
  test.name = "Mean corpuscular volume";
  test.unit = "fL";
  test.section = "hematology";
  test.decimals = 1;
  return test;
}

core::TestDefinition hemoglobin() {
  core::TestDefinition test;
  test.code = "HGB";
  test.unit = "g/dL";
  test.section = "hematology";
  test.decimals = 1;
  return test;
}

core::TestDefinition nitrite() {
  core::TestDefinition test;
  test.code = "UNIT";
  test.name = "Nitrite";
  test.section = "urinalysis";
  test.kind = core::ResultKind::kCoded;
  test.answers = {"negative", "positive"};
  test.abnormal_answers = {"positive"};
  return test;
}

core::TestDefinition comment_test() {
  core::TestDefinition test;
  test.code = "SMEAR";
  test.section = "hematology";
  test.kind = core::ResultKind::kText;
  return test;
}

AnalyteRules potassium_rules() {
  AnalyteRules rules;
  rules.test_code = "K";
  rules.absurd = {0.5, 15.0};
  rules.measuring_range = {1.5, 10.0};
  rules.review = {3.0, 6.0};
  rules.deltas.push_back(
      DeltaRule{DeltaMode::kAbsolute, 1.0, 7 * 86400, DeltaScope::kResult, "", 0});
  rules.indices.hemolysis = {50.0, 200.0};
  rules.stability_seconds = 8 * 3600;
  return rules;
}

AnalyteRules mcv_rules() {
  AnalyteRules rules;
  rules.test_code = "MCV";
  rules.deltas.push_back(DeltaRule{DeltaMode::kAbsolute, 3.0, 7 * 86400, DeltaScope::kSpecimen,
                                   "possible specimen mix-up (wrong blood in tube)", 0});
  return rules;
}

RuleSet default_rules() {
  return RuleSetBuilder()
      .name("test rules")
      .analyte(potassium_rules())
      .analyte(mcv_rules())
      .discipline({"chemistry", true, true, 0})
      .discipline({"hematology", true, true, 0})
      .discipline({"urinalysis", true, true, 0})
      .informational_flag("N")
      .informational_flag("H")
      .informational_flag("L")
      .build();
}

core::Instant at(int hour) { return core::Instant{} + std::chrono::days(20000) + hours(hour); }

SpecimenFacts specimen_facts() {
  SpecimenFacts facts;
  facts.sex = core::AdministrativeSex::kFemale;
  facts.age_days = 40 * 365;
  facts.collected_at = at(0);
  facts.measured_at = at(1);
  return facts;
}

using test_support::answer;
using test_support::number;

class AutoverificationTest : public ::testing::Test {
 protected:
  Decision judge(const core::TestDefinition& test, const core::ResultValue& value) {
    Candidate candidate;
    candidate.test = &test;
    candidate.value = &value;
    candidate.instrument_flags = flags_;
    candidate.qc = qc_;
    candidate.previous = previous_;
    return evaluate_result(rules_, facts_, candidate);
  }
  // The categories of the reasons, in order.
  static std::vector<Category> categories(const Decision& decision) {
    std::vector<Category> out;
    for (const Reason& reason : decision.reasons) out.push_back(reason.category);
    return out;
  }
  bool held_for(const core::TestDefinition& test, double value, Category category) {
    const Decision decision = judge(test, number(value));
    for (const Reason& reason : decision.reasons) {
      if (reason.category == category) return true;
    }
    return false;
  }

  RuleSet rules_ = default_rules();
  SpecimenFacts facts_ = specimen_facts();
  std::vector<std::string> flags_;
  QcState qc_ = QcState::kNotMonitored;
  std::optional<PreviousResult> previous_;
  core::TestDefinition potassium_ = potassium();
};

TEST_F(AutoverificationTest, ANormalResultAutoverifiesWithoutReasons) {
  const Decision decision = judge(potassium_, number(4.1));
  EXPECT_TRUE(decision.autoverify);
  EXPECT_TRUE(decision.reasons.empty());
  EXPECT_FALSE(decision.suppressed);
  EXPECT_FALSE(decision.reported_as.has_value());
}

TEST_F(AutoverificationTest, ADisciplineSwitchedOffHoldsEveryResult) {
  rules_ =
      RuleSetBuilder().analyte(potassium_rules()).discipline({"chemistry", false, true, 0}).build();
  const Decision decision = judge(potassium_, number(4.1));
  EXPECT_FALSE(decision.autoverify);
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kDiscipline});
  EXPECT_EQ(decision.reasons[0].message,
            "autoverification is switched off for chemistry: K is released by a person");
  EXPECT_EQ(decision.reasons[0].observed, "autoverify = false");
}

TEST_F(AutoverificationTest, ASectionWithoutRulesIsNotAutoverified) {
  core::TestDefinition coagulation = potassium_;
  coagulation.section = "coagulation";
  const Decision decision = judge(coagulation, number(4.1));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kDiscipline});
  EXPECT_EQ(decision.reasons[0].observed, "no rules for coagulation");
}

TEST_F(AutoverificationTest, AbsurdLimitsFireOnlyStrictlyBeyondTheLimit) {
  EXPECT_FALSE(held_for(potassium_, 15.0, Category::kAbsurdValue));
  EXPECT_TRUE(held_for(potassium_, 15.01, Category::kAbsurdValue));
  EXPECT_FALSE(held_for(potassium_, 0.5, Category::kAbsurdValue));
  EXPECT_TRUE(held_for(potassium_, 0.49, Category::kAbsurdValue));
  const Decision decision = judge(potassium_, number(25));
  ASSERT_FALSE(decision.reasons.empty());
  const Reason& absurd = decision.reasons[0];
  EXPECT_EQ(absurd.category, Category::kAbsurdValue);
  EXPECT_EQ(absurd.action, Action::kRecollect);
  EXPECT_EQ(absurd.observed, "25.0 mmol/L");
  EXPECT_EQ(absurd.threshold, "0.5 to 15 mmol/L");
  EXPECT_EQ(absurd.message,
            "K 25.0 mmol/L is physiologically impossible: check the specimen (contamination, "
            "wrong tube, mislabel) and the instrument");
}

TEST_F(AutoverificationTest, AboveTheMeasuringRangeIsHeldForDilution) {
  EXPECT_FALSE(held_for(potassium_, 10.0, Category::kMeasuringRange));
  EXPECT_TRUE(held_for(potassium_, 10.01, Category::kMeasuringRange));
  const Decision decision = judge(potassium_, number(10.0, ">"));
  ASSERT_FALSE(decision.autoverify);
  const Reason& range = decision.reasons[0];
  EXPECT_EQ(range.category, Category::kMeasuringRange);
  EXPECT_EQ(range.action, Action::kRerunDiluted);
  EXPECT_EQ(range.message, "K >10.0 mmol/L is above the measuring range: dilute and rerun");
  EXPECT_EQ(range.threshold, "at most 10 mmol/L");
}

TEST_F(AutoverificationTest, BelowTheMeasuringRangeIsReportedAsLessThanTheLimit) {
  // K has review limits of 3.0: a low value is held there; without them it autoverifies as "<".
  AnalyteRules rules = potassium_rules();
  rules.review = {};
  potassium_.critical = {};
  rules_ = RuleSetBuilder().analyte(rules).discipline({"chemistry", true, true, 0}).build();

  const Decision at_limit = judge(potassium_, number(1.5));
  EXPECT_TRUE(at_limit.autoverify);
  EXPECT_FALSE(at_limit.reported_as.has_value());

  const Decision below = judge(potassium_, number(1.49));
  EXPECT_TRUE(below.autoverify);
  ASSERT_TRUE(below.reported_as.has_value());
  EXPECT_EQ(below.reported_as->comparator, "<");
  EXPECT_EQ(below.reported_as->number, 1.5);
  EXPECT_EQ(core::format_reported(*below.reported_as), "<1.5");
}

TEST_F(AutoverificationTest, CriticalLimitsAreInclusiveAndAskForACall) {
  EXPECT_TRUE(held_for(potassium_, 6.5, Category::kCriticalValue));
  EXPECT_FALSE(held_for(potassium_, 6.49, Category::kCriticalValue));
  EXPECT_TRUE(held_for(potassium_, 2.5, Category::kCriticalValue));
  EXPECT_FALSE(held_for(potassium_, 2.51, Category::kCriticalValue));
  const Decision decision = judge(potassium_, number(6.8));
  const std::vector<Category> expected = {Category::kCriticalValue, Category::kReviewLimits};
  ASSERT_EQ(categories(decision), expected);
  EXPECT_EQ(decision.reasons[0].action, Action::kCallCaregiver);
  EXPECT_EQ(decision.reasons[0].threshold, "below 6.5 mmol/L");
}

TEST_F(AutoverificationTest, ReviewLimitsHoldStrictlyOutsideAndReleaseAtTheLimit) {
  EXPECT_TRUE(judge(potassium_, number(3.0)).autoverify);
  EXPECT_TRUE(judge(potassium_, number(6.0)).autoverify);
  EXPECT_TRUE(held_for(potassium_, 2.99, Category::kReviewLimits));
  EXPECT_TRUE(held_for(potassium_, 6.01, Category::kReviewLimits));
  const Decision decision = judge(potassium_, number(6.2));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kReviewLimits});
  EXPECT_EQ(decision.reasons[0].message,
            "K 6.2 mmol/L is outside the autoverification limits 3 to 6 mmol/L: review before "
            "release");
}

TEST_F(AutoverificationTest, DeltaChecksCompareWithThePreviousResultInsideTheWindow) {
  previous_ = PreviousResult{3.4, at(-48)};
  EXPECT_TRUE(judge(potassium_, number(4.4)).autoverify);  // 4.4 − 3.4 in binary is just over 1
  EXPECT_TRUE(held_for(potassium_, 4.41, Category::kDeltaCheck));
  previous_ = PreviousResult{4.0, at(-48)};
  EXPECT_TRUE(judge(potassium_, number(5.0)).autoverify);  // exactly the limit
  EXPECT_TRUE(judge(potassium_, number(3.0)).autoverify);
  EXPECT_TRUE(held_for(potassium_, 5.01, Category::kDeltaCheck));
  EXPECT_TRUE(held_for(potassium_, 2.99, Category::kDeltaCheck));

  const Decision decision = judge(potassium_, number(5.3));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kDeltaCheck});
  const Reason& delta = decision.reasons[0];
  EXPECT_EQ(delta.rule, "K delta absolute within 7d");
  EXPECT_EQ(delta.observed, "5.3 mmol/L, previous 4.0 mmol/L 2d earlier: +1.30 mmol/L");
  EXPECT_EQ(delta.threshold, "change at most 1 mmol/L");
  EXPECT_EQ(delta.message,
            "K changed by +1.30 mmol/L since the result of 2d earlier (limit change at most 1 "
            "mmol/L within 7d)");
}

TEST_F(AutoverificationTest, APreviousResultOutsideTheWindowIsNotCompared) {
  previous_ = PreviousResult{4.0, at(-7 * 24)};  // exactly at the window's edge: compared
  EXPECT_TRUE(held_for(potassium_, 5.5, Category::kDeltaCheck));
  previous_ = PreviousResult{4.0, at(-7 * 24) - minutes(1)};
  EXPECT_FALSE(held_for(potassium_, 5.5, Category::kDeltaCheck));
  previous_ = PreviousResult{4.0, at(1)};  // collected after this specimen: not previous
  EXPECT_FALSE(held_for(potassium_, 5.5, Category::kDeltaCheck));
}

TEST_F(AutoverificationTest, PercentAndRateDeltasMeasureTheirOwnWay) {
  AnalyteRules creatinine;
  creatinine.test_code = "CREA";
  creatinine.deltas.push_back({DeltaMode::kPercent, 50, 30 * 86400, DeltaScope::kResult, "", 0});
  creatinine.deltas.push_back(
      {DeltaMode::kRatePerDay, 0.3, 2 * 86400, DeltaScope::kResult, "acute kidney injury?", 0});
  rules_ = RuleSetBuilder().analyte(creatinine).discipline({"chemistry", true, true, 0}).build();
  core::TestDefinition test = potassium_;
  test.code = "CREA";
  test.unit = "mg/dL";
  test.decimals = 2;
  test.critical = {};

  const auto crea = [](double value) { return number(value, "", 2); };
  previous_ = PreviousResult{1.0, at(-10 * 24)};   // outside the rate window
  EXPECT_TRUE(judge(test, crea(1.5)).autoverify);  // +50 % exactly
  const Decision percent = judge(test, crea(1.51));
  ASSERT_EQ(categories(percent), std::vector<Category>{Category::kDeltaCheck});
  EXPECT_EQ(percent.reasons[0].observed, "1.51 mg/dL, previous 1.00 mg/dL 10d earlier: 51.0 %");
  EXPECT_EQ(percent.reasons[0].threshold, "change at most 50 %");

  previous_ = PreviousResult{1.0, at(-24)};        // one day earlier: 0.3 per day is the limit
  EXPECT_TRUE(judge(test, crea(1.3)).autoverify);  // 1.3 − 1.0 is 0.30000000000000004
  const Decision rate = judge(test, crea(1.4));
  ASSERT_EQ(categories(rate), std::vector<Category>{Category::kDeltaCheck});
  EXPECT_EQ(rate.reasons[0].observed,
            "1.40 mg/dL, previous 1.00 mg/dL 1d earlier: 0.400 mg/dL per day");
  EXPECT_EQ(rate.reasons[0].message,
            "CREA changed by 0.400 mg/dL per day since the result of 1d earlier (limit change "
            "at most 0.3 mg/dL per day within 2d): acute kidney injury?");
}

TEST_F(AutoverificationTest, AMixUpSuspicionHoldsEveryResultOnTheSpecimen) {
  const core::TestDefinition mcv_test = mcv();
  const core::TestDefinition hgb_test = hemoglobin();
  const core::ResultValue mcv_value = number(95.1);
  const core::ResultValue hgb_value = number(13.0);
  std::vector<Candidate> candidates(2);
  candidates[0].test = &hgb_test;
  candidates[0].value = &hgb_value;
  candidates[1].test = &mcv_test;
  candidates[1].value = &mcv_value;
  std::vector<Decision> decisions(2);

  candidates[1].previous = PreviousResult{92.1, at(-72)};  // +3.0 fL: not beyond the limit
  evaluate_specimen(rules_, facts_, candidates, decisions);
  EXPECT_TRUE(decisions[0].autoverify);
  EXPECT_TRUE(decisions[1].autoverify);

  candidates[1].previous = PreviousResult{92.0, at(-72)};  // +3.1 fL
  evaluate_specimen(rules_, facts_, candidates, decisions);
  ASSERT_EQ(categories(decisions[1]), std::vector<Category>{Category::kDeltaCheck});
  EXPECT_EQ(decisions[1].reasons[0].action, Action::kInvestigateMixUp);
  EXPECT_EQ(decisions[1].reasons[0].message,
            "MCV changed by +3.10 fL since the result of 3d earlier (limit change at most 3 fL "
            "within 7d): possible specimen mix-up (wrong blood in tube); every result on this "
            "specimen is held until its identity is confirmed");
  ASSERT_EQ(categories(decisions[0]), std::vector<Category>{Category::kSpecimenHeld});
  EXPECT_FALSE(decisions[0].autoverify);
  EXPECT_EQ(decisions[0].reasons[0].message.rfind("HGB is held because MCV changed by", 0), 0u);
}

TEST_F(AutoverificationTest, SerumIndicesHoldAboveHoldAndSuppressAboveSuppress) {
  facts_.indices.hemolysis = 50;
  EXPECT_TRUE(judge(potassium_, number(4.1)).autoverify);
  facts_.indices.hemolysis = 51;
  Decision decision = judge(potassium_, number(4.1));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kSerumIndex});
  EXPECT_FALSE(decision.suppressed);
  EXPECT_EQ(decision.reasons[0].message,
            "hemolysis index 51 is above 50: K may be affected; review before release");
  facts_.indices.hemolysis = 200;
  EXPECT_FALSE(judge(potassium_, number(4.1)).suppressed);
  facts_.indices.hemolysis = 201;
  decision = judge(potassium_, number(4.1));
  EXPECT_TRUE(decision.suppressed);
  EXPECT_EQ(decision.reasons[0].action, Action::kRecollect);
  EXPECT_EQ(decision.reasons[0].message,
            "K is not reportable: hemolysis index 201 is above 200; recollect the specimen");
  // An analyte without thresholds is not affected by the index.
  EXPECT_TRUE(judge(hemoglobin(), number(13.0)).autoverify);
}

TEST_F(AutoverificationTest, ASpecimenPastStabilityIsHeldForRecollection) {
  facts_.measured_at = facts_.collected_at + hours(8);
  EXPECT_TRUE(judge(potassium_, number(4.1)).autoverify);
  facts_.measured_at += minutes(1);
  const Decision decision = judge(potassium_, number(4.1));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kSpecimenStability});
  EXPECT_EQ(decision.reasons[0].message,
            "K was measured 8h 1m after collection, beyond its stability of 8h; recollect the "
            "specimen");
}

TEST_F(AutoverificationTest, InstrumentFlagsHoldUnlessInformational) {
  flags_ = {"H", "n"};
  EXPECT_TRUE(judge(potassium_, number(4.1)).autoverify);
  flags_ = {"H", "W", "E12"};
  const Decision decision = judge(potassium_, number(4.1));
  const std::vector<Category> expected = {Category::kInstrumentFlag, Category::kInstrumentFlag};
  ASSERT_EQ(categories(decision), expected);
  EXPECT_EQ(decision.reasons[0].message, "the instrument flagged K with 'W'");
  EXPECT_EQ(decision.reasons[1].observed, "E12");
}

TEST_F(AutoverificationTest, FailingQualityControlHolds) {
  qc_ = QcState::kAcceptable;
  EXPECT_TRUE(judge(potassium_, number(4.1)).autoverify);
  qc_ = QcState::kFailing;
  const Decision decision = judge(potassium_, number(4.1));
  ASSERT_EQ(categories(decision), std::vector<Category>{Category::kQualityControl});
  EXPECT_EQ(decision.reasons[0].action, Action::kCheckInstrument);
}

TEST_F(AutoverificationTest, AbnormalCodedAnswersAndFreeTextAreHeld) {
  const core::TestDefinition test = nitrite();
  EXPECT_TRUE(judge(test, answer("negative")).autoverify);
  const Decision positive = judge(test, answer("Positive"));
  ASSERT_EQ(categories(positive), std::vector<Category>{Category::kAbnormalAnswer});
  EXPECT_EQ(positive.reasons[0].message, "UNIT (Nitrite) is Positive: review before release");

  rules_ = RuleSetBuilder().discipline({"urinalysis", true, false, 0}).build();
  EXPECT_TRUE(judge(test, answer("positive")).autoverify);

  const Decision text = judge(comment_test(), answer("target cells", core::ResultKind::kText));
  EXPECT_EQ(categories(text),
            (std::vector<Category>{Category::kDiscipline, Category::kTextResult}));
}

TEST_F(AutoverificationTest, EveryReasonIsListedInCategoryOrder) {
  flags_ = {"W"};
  qc_ = QcState::kFailing;
  facts_.indices.hemolysis = 120;
  facts_.measured_at = facts_.collected_at + hours(9);
  previous_ = PreviousResult{4.0, at(-24)};
  const Decision decision = judge(potassium_, number(16.0));
  const std::vector<Category> expected = {
      Category::kInstrumentFlag,    Category::kQualityControl, Category::kSerumIndex,
      Category::kSpecimenStability, Category::kAbsurdValue,    Category::kMeasuringRange,
      Category::kCriticalValue,     Category::kDeltaCheck,     Category::kReviewLimits};
  EXPECT_EQ(categories(decision), expected);
}

TEST_F(AutoverificationTest, ACodeInAnotherCaseFindsItsRules) {
  core::TestDefinition lower = potassium_;
  lower.code = "k";
  EXPECT_TRUE(held_for(lower, 25.0, Category::kAbsurdValue));
}

TEST(CategoryCodes, AreStableWords) {
  EXPECT_EQ(to_code(Category::kDeltaCheck), "delta-check");
  EXPECT_EQ(to_code(Category::kSpecimenHeld), "specimen-held");
  EXPECT_EQ(to_code(Action::kRerunDiluted), "rerun-diluted");
  EXPECT_EQ(to_code(Action::kInvestigateMixUp), "investigate-mix-up");
}

}  // namespace
}  // namespace aliquot::rules
