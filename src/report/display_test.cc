#include "report/display.h"

#include <gtest/gtest.h>

namespace aliquot::report {
namespace {

core::Instant at(const char* text) { return *core::parse_instant(text); }
core::Date date(const char* text) { return *core::parse_date(text); }

TEST(DisplayTime, ShowsUtcToTheMinuteInIsoForm) {
  EXPECT_EQ(display_time(at("2026-03-04T05:06:59.999+01:00")), "2026-03-04T04:06Z");
  EXPECT_EQ(display_time(std::optional<core::Instant>{}, "-"), "-");
}

TEST(DisplayValue, AppendsTheUnitOfNumericValuesOnly) {
  core::ResultValue potassium;
  potassium.number = 6.75;
  potassium.unit = "mmol/L";
  potassium.decimals = 1;
  EXPECT_EQ(display_value(potassium), "6.8 mmol/L");
  core::ResultValue troponin;
  troponin.number = 0.01;
  troponin.comparator = "<";
  troponin.decimals = 2;
  EXPECT_EQ(display_value(troponin, "ng/mL"), "<0.01 ng/mL");
  core::ResultValue urine;
  urine.kind = core::ResultKind::kCoded;
  urine.text = "negative";
  EXPECT_EQ(display_value(urine, "ignored"), "negative");
}

TEST(DisplayAge, UsesYearsMonthsOrDaysByAge) {
  EXPECT_EQ(display_age(date("1980-06-15"), at("2026-06-14T12:00Z")), "45 y");
  EXPECT_EQ(display_age(date("1980-06-15"), at("2026-06-15T00:00Z")), "46 y");
  EXPECT_EQ(display_age(date("2025-01-20"), at("2026-03-19T00:00Z")), "13 mo");
  EXPECT_EQ(display_age(date("2026-03-01"), at("2026-03-13T08:00Z")), "12 d");
  EXPECT_EQ(display_age(date("2026-01-01"), at("2026-02-28T08:00Z")), "58 d");
}

TEST(DisplayPriority, ShoutsOnlyTheUrgentOnes) {
  EXPECT_EQ(display_priority(core::Priority::kStat), "STAT");
  EXPECT_EQ(display_priority(core::Priority::kAsap), "ASAP");
  EXPECT_EQ(display_priority(core::Priority::kRoutine), "routine");
}

}  // namespace
}  // namespace aliquot::report
