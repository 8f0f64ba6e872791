#include "qc/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace aliquot::qc {
namespace {

std::vector<SummarizedValue> plain(const std::vector<double>& numbers) {
  std::vector<SummarizedValue> values;
  for (const double number : numbers) values.push_back({number, {}});
  return values;
}

TEST(QcSummary, ComputesMeanSampleSdCvAndBiasOfKnownData) {
  // 98, 100, 102, 104, 96: mean 500 / 5 = 100; deviations -2, 0, 2, 4, -4; squares sum to 40;
  // sample variance 40 / 4 = 10; SD = sqrt(10) = 3.16228; CV = 3.16228%.
  // Target 99: bias 100 - 99 = 1; bias% = 1 / 99 x 100 = 1.0101%.
  Result<QcSummary> summary = summarize(plain({98, 100, 102, 104, 96}), 99.0);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->n, 5u);
  EXPECT_DOUBLE_EQ(*summary->mean, 100.0);
  EXPECT_NEAR(*summary->sd, 3.16227766017, 1e-10);
  EXPECT_NEAR(*summary->cv_percent, 3.16227766017, 1e-10);
  EXPECT_DOUBLE_EQ(*summary->bias, 1.0);
  EXPECT_NEAR(*summary->bias_percent, 1.01010101010, 1e-10);
  EXPECT_TRUE(summary->rule_counts.empty());
}

TEST(QcSummary, StaysExactForValuesFarFromZero) {
  // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10; deviations -6, -3, 3, 6; squares 90; variance 30.
  // Summing squares of the raw values would lose every digit of this variance in doubles.
  Result<QcSummary> summary =
      summarize(plain({1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}), std::nullopt);
  ASSERT_TRUE(summary.has_value());
  EXPECT_DOUBLE_EQ(*summary->mean, 1e9 + 10);
  EXPECT_NEAR(*summary->sd, std::sqrt(30.0), 1e-6);
}

TEST(QcSummary, LeavesTheSdAbsentForOneValueAndEverythingForNone) {
  Result<QcSummary> one = summarize(plain({4.2}), 4.0);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->n, 1u);
  EXPECT_DOUBLE_EQ(*one->mean, 4.2);
  EXPECT_FALSE(one->sd.has_value());
  EXPECT_FALSE(one->cv_percent.has_value());
  EXPECT_NEAR(*one->bias, 0.2, 1e-12);
  EXPECT_NEAR(*one->bias_percent, 5.0, 1e-10);

  Result<QcSummary> none = summarize({}, 4.0);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->n, 0u);
  EXPECT_FALSE(none->mean.has_value());
  EXPECT_FALSE(none->sd.has_value());
  EXPECT_FALSE(none->bias.has_value());
}

TEST(QcSummary, LeavesBiasAbsentWithoutATargetAndPercentagesAbsentAtZero) {
  Result<QcSummary> no_target = summarize(plain({1, 2, 3}), std::nullopt);
  ASSERT_TRUE(no_target.has_value());
  EXPECT_FALSE(no_target->bias.has_value());
  EXPECT_FALSE(no_target->bias_percent.has_value());

  // Mean 0: no CV; target 0: a bias but no bias in percent.
  Result<QcSummary> zero = summarize(plain({-1, 1}), 0.0);
  ASSERT_TRUE(zero.has_value());
  EXPECT_DOUBLE_EQ(*zero->mean, 0.0);
  EXPECT_TRUE(zero->sd.has_value());
  EXPECT_FALSE(zero->cv_percent.has_value());
  EXPECT_DOUBLE_EQ(*zero->bias, 0.0);
  EXPECT_FALSE(zero->bias_percent.has_value());
}

TEST(QcSummary, CountsTheValuesEachRuleFiredOnOncePerValue) {
  const std::vector<SummarizedValue> values = {
      {100, {}},
      {106.5, {"1-2s", "1-3s"}},
      {105, {"1-2s", "2-2s", "2-2s"}},  // listed twice, one value
      {99, {}},
      {95, {"1-2s"}},
  };
  Result<QcSummary> summary = summarize(values, 100.0);
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(summary->rule_counts,
            (std::map<std::string, std::size_t>{{"1-2s", 3}, {"1-3s", 1}, {"2-2s", 1}}));
}

TEST(QcSummary, NamesAValueThatIsNotAFiniteNumber) {
  Result<QcSummary> summary = summarize(plain({1, 2, std::nan("")}), 1.0);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().message(), "value 3 must be a finite number, not NaN");
  EXPECT_EQ(summarize(plain({1, 2}), HUGE_VAL).error().message(),
            "the target mean must be a finite number, not inf");
}

}  // namespace
}  // namespace aliquot::qc
