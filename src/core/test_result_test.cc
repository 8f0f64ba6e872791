#include "core/test_result.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

TEST(FormatDecimal, RoundsHalfAwayFromZeroOnTheDecimalDigits) {
  EXPECT_EQ(format_decimal(2.675, 2), "2.68");  // binary 2.67499999...
  EXPECT_EQ(format_decimal(1.005, 2), "1.01");
  EXPECT_EQ(format_decimal(0.125, 2), "0.13");
  EXPECT_EQ(format_decimal(-0.125, 2), "-0.13");
  EXPECT_EQ(format_decimal(4.1, 2), "4.10");
  EXPECT_EQ(format_decimal(139.5, 0), "140");
  EXPECT_EQ(format_decimal(-0.004, 2), "0.00");
}

TEST(FormatReported, AddsTheComparatorForMeasuringRangeLimits) {
  ResultValue v;
  v.number = 0.01;
  v.decimals = 2;
  v.comparator = "<";
  EXPECT_EQ(format_reported(v), "<0.01");
  ResultValue coded;
  coded.kind = ResultKind::kCoded;
  coded.text = "negative";
  EXPECT_EQ(format_reported(coded), "negative");
}

}  // namespace
}  // namespace aliquot::core
