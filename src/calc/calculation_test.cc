#include "calc/calculation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "calc/calculation_set.h"
#include "calc/test_allocation_count.h"

namespace aliquot::calc {
namespace {

constexpr const char* kFile = R"toml(
[calculations]
name = "test calculations"
version = "7"

[[calculation]]
name = "scaled-ratio"
title = "Scaled ratio"
source = "test"
unit = "{ratio}"
decimals = 2
input = [
  { name = "top", title = "Top", unit = "mg/dL", at_least = 0, at_most = 100 },
  { name = "bottom-value", title = "Bottom", unit = "mg/dL", above = 0, below = 50 },
  { name = "extra", title = "Extra", unit = "1", required = false, default = 1, at_least = 0 },
  { name = "sex", title = "Sex", choices = ["F", "M"] },
]
expression = "top / bottom_value * extra * if(sex == 'F', 1, 2)"

[[calculation]]
name = "guarded"
title = "Guarded"
source = "test"
unit = "1"
decimals = 1
input = [ { name = "x", title = "X", unit = "1", at_least = -10 } ]
expression = "twice"

[[calculation.step]]
name = "inverse"
expression = "1 / x"

[[calculation.step]]
name = "twice"
expression = "inverse * 2"

[[calculation.rule]]
invalid_when = "twice > 10"
reason = "twice the inverse is above 10"

[[calculation.rule]]
invalid_when = "x == 0"
reason = "x is zero"

[[calculation]]
name = "unguarded"
title = "Unguarded"
source = "test"
unit = "1"
decimals = 1
input = [ { name = "x", title = "X", unit = "1" } ]
expression = "inverse + 1 / (x - 1)"

[[calculation.step]]
name = "inverse"
expression = "1 / x"

[[calculation.rule]]
invalid_when = "1 / (x + 1) > 100"
reason = "close to -1"
)toml";

class CalculationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LoadOutcome outcome = load_calculations(kFile, "test.toml");
    for (const Error& error : outcome.diagnostics) ADD_FAILURE() << error.to_string();
    ASSERT_TRUE(outcome.calculations.has_value());
    set_ = std::move(*outcome.calculations);
    ratio_ = set_.find("scaled-ratio");
    guarded_ = set_.find("guarded");
    unguarded_ = set_.find("unguarded");
    ASSERT_NE(ratio_, nullptr);
    ASSERT_NE(guarded_, nullptr);
    ASSERT_NE(unguarded_, nullptr);
  }

  // top, bottom, sex (0 F, 1 M) given; extra left to its default.
  InputValues ratio_inputs(double top, double bottom, double sex) {
    InputValues values;
    values.set(0, top);
    values.set(1, bottom);
    values.set(3, sex);
    return values;
  }

  std::string refusal(const Calculation& calculation, const InputValues& values) {
    const Outcome outcome = calculation.compute(values);
    EXPECT_FALSE(outcome.reportable()) << outcome.value;
    return calculation.reason(outcome, values);
  }

  CalculationSet set_;
  const Calculation* ratio_ = nullptr;
  const Calculation* guarded_ = nullptr;
  const Calculation* unguarded_ = nullptr;
};

TEST_F(CalculationTest, ComputesFromTheInputsAndTheDefaults) {
  InputValues values = ratio_inputs(30, 20, 0);
  Outcome outcome = ratio_->compute(values);
  ASSERT_TRUE(outcome.reportable()) << ratio_->reason(outcome, values);
  EXPECT_DOUBLE_EQ(outcome.value, 1.5);  // extra defaults to 1
  values.set(2, 3);
  values.set(3, 1);
  outcome = ratio_->compute(values);
  ASSERT_TRUE(outcome.reportable());
  EXPECT_DOUBLE_EQ(outcome.value, 9);  // 30 / 20 × 3 × 2
  EXPECT_EQ(ratio_->reported(outcome.value), "9.00");
}

TEST_F(CalculationTest, RefusesWhenARequiredInputIsMissing) {
  InputValues values = ratio_inputs(30, 20, 0);
  values.clear(1);
  const Outcome outcome = ratio_->compute(values);
  EXPECT_EQ(outcome.refusal, Refusal::kMissingInput);
  EXPECT_EQ(outcome.index, 1u);
  EXPECT_TRUE(std::isnan(outcome.value));
  EXPECT_EQ(ratio_->reason(outcome, values), "input 'bottom-value' (Bottom) is missing");
}

TEST_F(CalculationTest, NeverUsesAHeldInputNotEvenInPlaceOfADefault) {
  InputValues values = ratio_inputs(30, 20, 0);
  values.hold(2, "hemolysed");
  EXPECT_EQ(refusal(*ratio_, values), "input 'extra' (Extra) is held: hemolysed");
  values.hold(0, "");
  EXPECT_EQ(refusal(*ratio_, values), "input 'top' (Top) is held");
  values.set(0, 30);
  values.clear(2);
  EXPECT_TRUE(ratio_->compute(values).reportable());
}

TEST_F(CalculationTest, ChecksTheInputsInTheirDeclaredOrder) {
  InputValues values;
  values.hold(3, "not confirmed");
  values.set(1, 0);  // outside its limit
  // top, the first input, is missing: that is the reason given.
  EXPECT_EQ(refusal(*ratio_, values), "input 'top' (Top) is missing");
  values.set(0, 1);
  EXPECT_EQ(refusal(*ratio_, values),
            "input 'bottom-value' (Bottom) is 0 mg/dL: it must be above 0 and below 50 mg/dL");
}

TEST_F(CalculationTest, KeepsEachLimitExactlyAtItsBoundary) {
  const auto reportable = [&](double top, double bottom) {
    return ratio_->compute(ratio_inputs(top, bottom, 0)).reportable();
  };
  // top: at least 0, at most 100 (both included).
  EXPECT_FALSE(reportable(-0.001, 20));
  EXPECT_TRUE(reportable(0, 20));
  EXPECT_TRUE(reportable(0.001, 20));
  EXPECT_TRUE(reportable(99.999, 20));
  EXPECT_TRUE(reportable(100, 20));
  EXPECT_FALSE(reportable(100.001, 20));
  // bottom: above 0, below 50 (both excluded).
  EXPECT_FALSE(reportable(1, -0.001));
  EXPECT_FALSE(reportable(1, 0));
  EXPECT_TRUE(reportable(1, 0.001));
  EXPECT_TRUE(reportable(1, 49.999));
  EXPECT_FALSE(reportable(1, 50));
  EXPECT_FALSE(reportable(1, 50.001));
  EXPECT_EQ(refusal(*ratio_, ratio_inputs(100.001, 20, 0)),
            "input 'top' (Top) is 100.001 mg/dL: it must be at least 0 and at most 100 mg/dL");
}

TEST_F(CalculationTest, RefusesValuesThatAreNotNumbersOrNotChoices) {
  EXPECT_EQ(refusal(*ratio_, ratio_inputs(std::nan(""), 20, 0)),
            "input 'top' (Top) is not a finite number (NaN)");
  EXPECT_EQ(refusal(*ratio_, ratio_inputs(30, 20, 2)), "input 'sex' (Sex) has no choice number 2");
  EXPECT_EQ(refusal(*ratio_, ratio_inputs(30, 20, 0.5)),
            "input 'sex' (Sex) has no choice number 0.5");
}

TEST_F(CalculationTest, ChecksARuleAsSoonAsTheValuesItUsesAreKnown) {
  InputValues values;
  // x == 0 (rule 2) needs only the input: it speaks before the step 1 / x could fail.
  values.set(0, 0);
  Outcome outcome = guarded_->compute(values);
  EXPECT_EQ(outcome.refusal, Refusal::kRule);
  EXPECT_EQ(outcome.index, 1u);
  EXPECT_EQ(guarded_->reason(outcome, values), "x is zero");
  // twice > 10 (rule 1) needs both steps.
  values.set(0, 0.1);
  EXPECT_EQ(refusal(*guarded_, values), "twice the inverse is above 10");
  values.set(0, 0.2);  // twice = 10: not above 10
  outcome = guarded_->compute(values);
  ASSERT_TRUE(outcome.reportable());
  EXPECT_DOUBLE_EQ(outcome.value, 10);
  EXPECT_EQ(guarded_->rules()[0].needs_steps, 2u);
  EXPECT_EQ(guarded_->rules()[1].needs_steps, 0u);
}

TEST_F(CalculationTest, SaysWhichStepRuleOrExpressionHasNoValue) {
  InputValues values;
  values.set(0, 0);
  // Rule 1 (1 / (x + 1) > 100) is fine at 0; step inverse divides by zero.
  EXPECT_EQ(refusal(*unguarded_, values),
            "step 'inverse' (1 / x) has no value: division by zero at column 3");
  values.set(0, -1);
  EXPECT_EQ(refusal(*unguarded_, values),
            "validity rule 1 (1 / (x + 1) > 100) cannot be evaluated, so the result is not "
            "reported: division by zero at column 3");
  values.set(0, 1);
  EXPECT_EQ(refusal(*unguarded_, values),
            "the expression (inverse + 1 / (x - 1)) has no value: division by zero at column 13");
  values.set(0, 2);
  const Outcome outcome = unguarded_->compute(values);
  ASSERT_TRUE(outcome.reportable());
  EXPECT_DOUBLE_EQ(outcome.value, 1.5);
}

TEST_F(CalculationTest, FindsInputsWhateverTheCaseAndWithUnderscoreForDash) {
  EXPECT_EQ(ratio_->find_input("bottom-value"), 1u);
  EXPECT_EQ(ratio_->find_input("bottom_value"), 1u);
  EXPECT_EQ(ratio_->find_input("BOTTOM-Value"), 1u);
  EXPECT_EQ(ratio_->find_input("bottom"), std::nullopt);
  EXPECT_EQ(ratio_->inputs()[1].expression_name(), "bottom_value");
}

TEST_F(CalculationTest, ReportsWithTheCatalogDecimalsRoundingHalfAwayFromZero) {
  EXPECT_EQ(ratio_->reported(2.345), "2.35");
  EXPECT_EQ(ratio_->reported(-2.345), "-2.35");
  EXPECT_EQ(ratio_->reported(0.004), "0.00");
  EXPECT_EQ(guarded_->reported(9.95), "10.0");
}

TEST_F(CalculationTest, AllocatesNothingWhileComputing) {
  InputValues values = ratio_inputs(30, 20, 1);
  InputValues refused = ratio_inputs(30, 0, 1);
  InputValues ruled;
  ruled.set(0, 0);
  double sum = 0;
  const long before = allocation_count();
  for (int i = 0; i < 1000; ++i) {
    values.set(0, i % 100);
    sum += ratio_->compute(values).value;
    sum += ratio_->compute(refused).reportable() ? 1 : 0;
    sum += guarded_->compute(ruled).reportable() ? 1 : 0;
  }
  EXPECT_EQ(allocation_count() - before, 0);
  EXPECT_GT(sum, 0);
  // The count does see allocations: explaining a refusal makes text.
  const std::string reason = ratio_->reason(ratio_->compute(refused), refused);
  EXPECT_GT(allocation_count() - before, 0) << reason;
}

}  // namespace
}  // namespace aliquot::calc
