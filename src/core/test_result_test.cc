#include "core/test_result.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

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

// The rounding as first written, with printf and strtod: format_decimal must print the same
// bytes for every value, since its text is what the store and the audit trail keep.
std::string format_decimal_with_printf(double value, int decimals) {
  char shortest[64];
  std::snprintf(shortest, sizeof shortest, "%.15g", value);
  const double recovered = std::strtod(shortest, nullptr);
  const double scale = std::pow(10.0, decimals);
  char product[64];
  std::snprintf(product, sizeof product, "%.12g", recovered * scale);
  const double scaled = std::strtod(product, nullptr);
  const double rounded = std::copysign(std::floor(std::fabs(scaled) + 0.5), scaled) / scale;
  char out[128];
  std::snprintf(out, sizeof out, "%.*f", decimals, rounded == 0 ? 0.0 : rounded);
  return out;
}

TEST(FormatDecimal, PrintsWhatPrintfAndStrtodPrintForEveryValueTried) {
  std::mt19937_64 random(20261122);
  std::uniform_int_distribution<int> magnitude(-6, 9);
  std::uniform_int_distribution<int> places(0, 6);
  std::uniform_int_distribution<int> digits(0, 9999999);
  for (int i = 0; i < 200'000; ++i) {
    // Values as instruments send them (few digits, exact halves included) and arbitrary doubles.
    const double value =
        i % 2 == 0 ? digits(random) * std::pow(10.0, magnitude(random) - 4)
                   : std::ldexp(static_cast<double>(random() >> 11), magnitude(random) * 3 - 53);
    const double signed_value = i % 3 == 0 ? -value : value;
    const int decimals = places(random);
    ASSERT_EQ(format_decimal(signed_value, decimals),
              format_decimal_with_printf(signed_value, decimals))
        << "value " << signed_value << " at " << decimals << " decimals";
  }
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
