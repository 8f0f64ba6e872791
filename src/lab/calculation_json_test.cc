#include "lab/calculation_json.h"

#include <gtest/gtest.h>

#include <string>

#include "calc/default_calculation_set.h"

namespace aliquot::lab {
namespace {

const calc::CalculationSet& set() { return calc::default_calculation_set(); }

TEST(Calculate, ReportsTheValueWithTheCalculationsDecimalsAndTheInputsUsed) {
  const Result<CalculationAnswer> answer =
      calculate(set(), "egfr-ckd-epi-2021", {{"creatinine", "1.0"}, {"age", "50"}, {"sex", "F"}});
  ASSERT_TRUE(answer.has_value()) << answer.error().to_string();
  // CKD-EPI 2021 (Inker, NEJM 2021): a woman of 50 with creatinine 1.0 mg/dL, 68.6 -> 69.
  EXPECT_EQ(answer->reported, "69");
  EXPECT_FALSE(answer->reason.has_value());
  EXPECT_NEAR(answer->json["value"].get<double>(), 68.63, 0.01);
  EXPECT_EQ(answer->json["inputs"]["sex"], "F");
  EXPECT_EQ(answer->json["inputs"]["age"], 50.0);
}

TEST(Calculate, GivesTheReasonInsteadOfAValueThatMustNotBeReported) {
  // Friedewald does not hold at triglycerides of 400 mg/dL or more.
  const Result<CalculationAnswer> answer =
      calculate(set(), "ldl-friedewald", {{"tc", "250"}, {"hdl", "50"}, {"tg", "450"}});
  ASSERT_TRUE(answer.has_value()) << answer.error().to_string();
  ASSERT_TRUE(answer->reason.has_value());
  EXPECT_EQ(answer->json["reason"], *answer->reason);
  EXPECT_TRUE(answer->json["value"].is_null());
  EXPECT_TRUE(answer->reported.empty());
}

TEST(Calculate, RefusesUnknownNamesAndInputsNamingWhatIsKnown) {
  const Result<CalculationAnswer> unknown = calculate(set(), "no-such", {});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);

  const Result<CalculationAnswer> twice =
      calculate(set(), "egfr-ckd-epi-2021", {{"age", "50"}, {"age", "51"}});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().message(), "input 'age' is given more than once");

  const Result<CalculationAnswer> number =
      calculate(set(), "egfr-ckd-epi-2021", {{"creatinine", "1,0"}});
  ASSERT_FALSE(number.has_value());
  EXPECT_EQ(number.error().message(), "input 'creatinine' must be a number in mg/dL, not '1,0'");

  const Result<CalculationAnswer> choice = calculate(set(), "egfr-ckd-epi-2021", {{"sex", "X"}});
  ASSERT_FALSE(choice.has_value());
  EXPECT_EQ(choice.error().message(), "input 'sex' must be F or M, not 'X'");
}

}  // namespace
}  // namespace aliquot::lab
