#include "core/time.h"

#include <gtest/gtest.h>

namespace aliquot::core {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(Instant, FormatsAndParsesRfc3339) {
  const auto t = parse_instant("2026-11-21T08:30:00Z");
  ASSERT_TRUE(t.has_value()) << t.error().message();
  EXPECT_EQ(format_instant(*t), "2026-11-21T08:30:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-11-21T08:30:00.250Z")), "2026-11-21T08:30:00.250Z");
}

TEST(Instant, ConvertsOffsetsToUtc) {
  EXPECT_EQ(format_instant(*parse_instant("2026-11-21T08:30-05:00")), "2026-11-21T13:30:00Z");
  EXPECT_EQ(format_instant(*parse_instant("2026-01-01 00:15:00+01:00")), "2025-12-31T23:15:00Z");
}

TEST(Instant, RefusesTimesWithoutZone) {
  const auto t = parse_instant("2026-11-21T08:30:00");
  ASSERT_FALSE(t.has_value());
  EXPECT_NE(t.error().message().find("no time zone"), std::string::npos);
  EXPECT_FALSE(parse_instant("2026-11-21T25:00Z").has_value());
  EXPECT_FALSE(parse_instant("2026-02-30T10:00Z").has_value());
}

TEST(Date, AddsMonthsKeepingTheDayOrTakingTheLastDayOfAShorterMonth) {
  EXPECT_EQ(add_months(year(2026) / month(1) / day(15), 6), year(2026) / month(7) / day(15));
  EXPECT_EQ(add_months(year(2026) / month(8) / day(31), 6), year(2027) / month(2) / day(28));
  EXPECT_EQ(add_months(year(2027) / month(8) / day(31), 6), year(2028) / month(2) / day(29));
  EXPECT_EQ(add_months(year(2026) / month(10) / day(31), 12), year(2027) / month(10) / day(31));
  EXPECT_EQ(add_months(year(2026) / month(3) / day(31), -1), year(2026) / month(2) / day(28));
}

TEST(Date, ParsesCalendarDatesOnly) {
  EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(parse_date("2023-02-29").has_value());
  EXPECT_FALSE(parse_date("2023-2-9").has_value());
}

TEST(Age, CountsCompletedDaysAndYears) {
  const Date birth{year{2000}, month{3}, day{15}};
  EXPECT_EQ(age_in_years(birth, *parse_instant("2026-03-14T23:59Z")), 25);
  EXPECT_EQ(age_in_years(birth, *parse_instant("2026-03-15T00:00Z")), 26);
  const Date newborn{year{2026}, month{11}, day{20}};
  EXPECT_EQ(age_in_days(newborn, *parse_instant("2026-11-21T06:00Z")), 1);
  EXPECT_EQ(age_in_days(newborn, *parse_instant("2026-11-20T06:00Z")), 0);
}

}  // namespace
}  // namespace aliquot::core
