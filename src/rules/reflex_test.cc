#include "rules/reflex.h"

#include <gtest/gtest.h>

#include <chrono>

#include "support/result_values.h"

namespace aliquot::rules {
namespace {

using std::chrono::hours;

core::TestDefinition numeric_test(const char* code) {
  core::TestDefinition test;
  test.code = code;
  test.unit = "g/dL";
  test.decimals = 1;
  return test;
}

using test_support::answer;
using test_support::number;

ReflexRule rule_on(const char* code, const char* adds) {
  ReflexRule rule;
  rule.test_code = code;
  rule.add = {adds};
  rule.reason = "test";
  return rule;
}

const core::Instant kCollected = core::Instant{} + std::chrono::days(20000);

class ReflexTest : public ::testing::Test {
 protected:
  std::size_t fired(const core::TestDefinition& test, const core::ResultValue& value,
                    core::AbnormalFlag flag = core::AbnormalFlag::kNone,
                    std::optional<PreviousResult> previous = std::nullopt,
                    const Decision* decision = nullptr) {
    return fired_reflexes(rules_, test, value, flag, previous, kCollected, decision).size();
  }
  RuleSet rules_;
};

TEST_F(ReflexTest, AboveAndBelowFireOnlyStrictlyBeyondTheLimit) {
  ReflexRule rule = rule_on("TSH", "FT4");
  rule.above = 4.5;
  rule.below = 0.4;
  rules_ = RuleSetBuilder().reflex(rule).build();
  const core::TestDefinition tsh = numeric_test("TSH");
  EXPECT_EQ(fired(tsh, number(4.5)), 0u);
  EXPECT_EQ(fired(tsh, number(4.51)), 1u);
  EXPECT_EQ(fired(tsh, number(0.4)), 0u);
  EXPECT_EQ(fired(tsh, number(0.39)), 1u);
  EXPECT_EQ(fired(tsh, number(0.01, "<")), 1u);  // "<0.01" lies below 0.4
  EXPECT_EQ(fired(tsh, number(5.0, "<")), 0u);   // "<5.0" may be normal
  EXPECT_EQ(fired(numeric_test("FT4"), number(9)), 0u);
}

TEST_F(ReflexTest, OutsideReferenceFollowsTheFlag) {
  ReflexRule rule = rule_on("TSH", "FT4");
  rule.outside_reference = true;
  rules_ = RuleSetBuilder().reflex(rule).build();
  const core::TestDefinition tsh = numeric_test("tsh");
  EXPECT_EQ(fired(tsh, number(2.0)), 0u);
  EXPECT_EQ(fired(tsh, number(6.0), core::AbnormalFlag::kHigh), 1u);
  EXPECT_EQ(fired(tsh, number(0.1), core::AbnormalFlag::kCriticalLow), 1u);
}

TEST_F(ReflexTest, AnswersFireIgnoringLetterCase) {
  ReflexRule rule = rule_on("UA-NIT", "URCULT");
  rule.answers = {"positive"};
  rules_ = RuleSetBuilder().reflex(rule).build();
  core::TestDefinition nitrite;
  nitrite.code = "UA-NIT";
  nitrite.kind = core::ResultKind::kCoded;
  EXPECT_EQ(fired(nitrite, answer("negative")), 0u);
  EXPECT_EQ(fired(nitrite, answer("Positive")), 1u);
}

TEST_F(ReflexTest, ADropFiresWhenThePreviousResultIsWithinTheWindow) {
  ReflexRule rule = rule_on("HGB", "SMEAR");
  rule.drop = 2.0;
  rule.window_seconds = 3 * 86400;
  rules_ = RuleSetBuilder().reflex(rule).build();
  const core::TestDefinition hgb = numeric_test("HGB");
  const PreviousResult yesterday{12.0, kCollected - hours(24)};
  EXPECT_EQ(fired(hgb, number(10.0), core::AbnormalFlag::kNone, yesterday), 0u);  // exactly 2
  EXPECT_EQ(fired(hgb, number(9.9), core::AbnormalFlag::kNone, yesterday), 1u);
  EXPECT_EQ(fired(hgb, number(14.5), core::AbnormalFlag::kNone, yesterday), 0u);  // a rise
  const PreviousResult last_week{12.0, kCollected - hours(24 * 3) - hours(1)};
  EXPECT_EQ(fired(hgb, number(9.0), core::AbnormalFlag::kNone, last_week), 0u);
  EXPECT_EQ(fired(hgb, number(9.0)), 0u);  // no history
}

TEST_F(ReflexTest, AValueAboutToBeMeasuredAgainFiresNothing) {
  ReflexRule rule = rule_on("TSH", "FT4");
  rule.above = 4.5;
  rules_ = RuleSetBuilder().reflex(rule).build();
  const core::TestDefinition tsh = numeric_test("TSH");
  Decision held_for_review;
  held_for_review.reasons.push_back({Category::kReviewLimits, Action::kReview, "", "", "", ""});
  EXPECT_EQ(fired(tsh, number(9), core::AbnormalFlag::kHigh, std::nullopt, &held_for_review), 1u);
  Decision rerun;
  rerun.reasons.push_back({Category::kMeasuringRange, Action::kRerunDiluted, "", "", "", ""});
  EXPECT_EQ(fired(tsh, number(150), core::AbnormalFlag::kHigh, std::nullopt, &rerun), 0u);
  Decision flagged;
  flagged.reasons.push_back({Category::kInstrumentFlag, Action::kCheckInstrument, "", "", "", ""});
  EXPECT_EQ(fired(tsh, number(9), core::AbnormalFlag::kHigh, std::nullopt, &flagged), 0u);
}

}  // namespace
}  // namespace aliquot::rules
