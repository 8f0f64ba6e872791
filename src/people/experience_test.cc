#include "people/experience.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/dates.h"

namespace aliquot::people {
namespace {

using test_support::date;

core::ExperiencePeriod period(const char* from, std::optional<const char*> to, double share = 1,
                              std::vector<std::string> areas = {}) {
  core::ExperiencePeriod made;
  made.laboratory = "County lab";
  made.from = date(from);
  if (to) made.to = date(*to);
  made.full_time_share = share;
  made.areas = std::move(areas);
  return made;
}

TEST(Experience, CountsEveryDayFromTheFirstToTheLastInMonthsOfFullTime) {
  // 2025 has 365 days: a full year is 365 / (365.2425 / 12) months, just under 12.
  EXPECT_NEAR(experience_months({period("2025-01-01", "2025-12-31")}, date("2026-11-23")),
              365 / kDaysPerMonth, 1e-9);
  EXPECT_NEAR(experience_months({period("2025-01-01", "2025-01-01")}, date("2026-11-23")),
              1 / kDaysPerMonth, 1e-9);
}

TEST(Experience, CountsPartTimeAtItsShare) {
  EXPECT_NEAR(experience_months({period("2025-01-01", "2025-12-31", 0.5)}, date("2026-11-23")),
              182.5 / kDaysPerMonth, 1e-9);
}

TEST(Experience, CountsAContinuingPeriodThroughTheDayAskedAndNothingAfterIt) {
  const std::vector<core::ExperiencePeriod> periods{period("2026-11-01", std::nullopt)};
  EXPECT_NEAR(experience_months(periods, date("2026-11-23")), 23 / kDaysPerMonth, 1e-9);
  EXPECT_NEAR(experience_months({period("2026-11-01", "2026-12-31")}, date("2026-11-23")),
              23 / kDaysPerMonth, 1e-9);
  EXPECT_EQ(experience_months(periods, date("2026-10-31")), 0);
}

TEST(Experience, CountsADayWorkedInTwoPlacesAtMostOnceAsFullTime) {
  // Full time at one lab and half time at another in the same 10 days: 10 days, not 15.
  EXPECT_NEAR(experience_months(
                  {period("2026-01-01", "2026-01-10"), period("2026-01-01", "2026-01-10", 0.5)},
                  date("2026-11-23")),
              10 / kDaysPerMonth, 1e-9);
  // Two half-time jobs at once add up to full time.
  EXPECT_NEAR(experience_months({period("2026-01-01", "2026-01-10", 0.5),
                                 period("2026-01-06", "2026-01-15", 0.5)},
                                date("2026-11-23")),
              (5 * 0.5 + 5 + 5 * 0.5) / kDaysPerMonth, 1e-9);
}

TEST(Experience, CountsOnlyTheDaysSinceADayWhenAsked) {
  const std::vector<core::ExperiencePeriod> periods{period("2010-01-01", "2020-12-31")};
  // Within the last 10 years of 2026-11-23: from 2016-11-23 through 2020-12-31.
  const double days = 39 + 365 + 365 + 366 + 365;  // 23 Nov-31 Dec 2016, then 2017-2020
  EXPECT_NEAR(experience_months(periods, date("2026-11-23"), date("2016-11-23")),
              days / kDaysPerMonth, 1e-9);
  EXPECT_EQ(experience_months(periods, date("2026-11-23"), date("2021-01-01")), 0);
}

TEST(Experience, NamesTheAreasOfThePeriodsInTheWindowOnceEach) {
  const std::vector<core::ExperiencePeriod> periods{
      period("2010-01-01", "2012-12-31", 1, {"microbiology"}),
      period("2020-01-01", "2021-12-31", 1, {"chemistry", "Hematology"}),
      period("2022-01-01", std::nullopt, 1, {"hematology", "urinalysis"}),
      period("2027-01-01", std::nullopt, 1, {"blood-banking"})};
  EXPECT_EQ(experience_areas(periods, date("2026-11-23")),
            (std::vector<std::string>{"microbiology", "chemistry", "Hematology", "urinalysis"}));
  EXPECT_EQ(experience_areas(periods, date("2026-11-23"), date("2016-11-23")),
            (std::vector<std::string>{"chemistry", "Hematology", "urinalysis"}));
}

}  // namespace
}  // namespace aliquot::people
