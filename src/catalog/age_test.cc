#include "catalog/age.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace aliquot::catalog {
namespace {

int days_of(std::string_view text) {
  const auto result = parse_age_days(text);
  EXPECT_TRUE(result.has_value()) << text << ": " << result.error().message();
  return result.value_or(-1);
}

TEST(ParseAgeDays, ConvertsEachUnitToDays) {
  EXPECT_EQ(days_of("0d"), 0);
  EXPECT_EQ(days_of("30d"), 30);
  EXPECT_EQ(days_of("2w"), 14);
  EXPECT_EQ(days_of("1m"), 30);   // floor(30.4375)
  EXPECT_EQ(days_of("6m"), 182);  // floor(182.625)
  EXPECT_EQ(days_of("1y"), 365);  // floor(365.25)
  EXPECT_EQ(days_of("2y"), 730);
  EXPECT_EQ(days_of("4y"), 1461);
  EXPECT_EQ(days_of("18y"), 6574);  // floor(6574.5)
}

TEST(ParseAgeDays, PutsEachBirthdayWithinOneDayOfTheTrueAge) {
  // For every birth date in a four-year leap cycle and every age up to 100 years, the converted
  // age differs from the calendar age in days at that birthday by at most one day.
  using namespace std::chrono;
  std::vector<int> converted(101);
  for (int age = 1; age <= 100; ++age) converted[age] = days_of(std::to_string(age) + "y");
  for (sys_days birth = sys_days{1996y / January / 1}; birth < sys_days{2000y / January / 1};
       birth += days{1}) {
    const year_month_day date{birth};
    if (date.month() == February && date.day() == 29d) continue;  // birthday is not every year
    for (int age = 1; age <= 100; ++age) {
      const int actual = (sys_days{date + years{age}} - birth).count();
      ASSERT_LE(std::abs(converted[age] - actual), 1)
          << static_cast<int>(date.year()) << "-" << static_cast<unsigned>(date.month()) << "-"
          << static_cast<unsigned>(date.day()) << " at age " << age;
    }
  }
}

TEST(ParseAgeDays, RefusesWhatIsNotANumberAndAUnit) {
  for (const char* text : {"", "18", "y", "18 y", "-1y", "1.5y", "18Y", "18h", "y18"}) {
    const auto result = parse_age_days(text);
    ASSERT_FALSE(result.has_value()) << text;
    EXPECT_EQ(result.error().message(),
              "invalid age '" + std::string(text) +
                  "': expected a whole number followed by d, w, m or y (e.g. 30d, 6m, 18y)");
  }
}

TEST(ParseAgeDays, RefusesAgesBeyondAHundredAndFiftyYears) {
  EXPECT_EQ(days_of("150y"), 54787);
  EXPECT_EQ(parse_age_days("151y").error().message(), "invalid age '151y': more than 150 years");
  EXPECT_FALSE(parse_age_days("9999999d").has_value());
}

}  // namespace
}  // namespace aliquot::catalog
