#include "hl7/dtm.h"

#include <gtest/gtest.h>

#include <chrono>

namespace aliquot::hl7 {
namespace {

using namespace std::chrono_literals;

core::Instant at(int year, unsigned month, unsigned day, std::chrono::milliseconds time) {
  return std::chrono::sys_days(std::chrono::year{year} / month / day) + time;
}

TEST(FormatDtm, WritesSecondsAndTheUtcOffset) {
  EXPECT_EQ(format_dtm(at(2026, 11, 21, 8h + 30min)), "20261121083000+0000");
  EXPECT_EQ(format_dtm(at(2026, 1, 2, 23h + 59min + 58s)), "20260102235958+0000");
}

TEST(FormatDtm, WritesMillisecondsOnlyWhenThereAreSome) {
  EXPECT_EQ(format_dtm(at(2026, 11, 21, 8h + 30min + 5s + 7ms)), "20261121083005.007+0000");
}

TEST(FormatDt, WritesTheCalendarDate) {
  EXPECT_EQ(format_dt(std::chrono::year{1980} / 2 / 29), "19800229");
  EXPECT_EQ(format_dt(std::chrono::year{2001} / 12 / 1), "20011201");
}

}  // namespace
}  // namespace aliquot::hl7

namespace aliquot::hl7 {
namespace {

TEST(ParseDtm, ReadsEveryPrecisionAndAppliesTheOffset) {
  EXPECT_EQ(core::format_instant(*parse_dtm("20261121083000+0100")), "2026-11-21T07:30:00Z");
  EXPECT_EQ(core::format_instant(*parse_dtm("202611210830-0500")), "2026-11-21T13:30:00Z");
  EXPECT_EQ(core::format_instant(*parse_dtm("20261121")), "2026-11-21T00:00:00Z");
  EXPECT_EQ(core::format_instant(*parse_dtm("20261121083000.25")), "2026-11-21T08:30:00.250Z");
  EXPECT_EQ(core::format_instant(*parse_dtm("2026112108", 60)), "2026-11-21T07:00:00Z");
  // What format_dtm writes reads back as the same instant.
  const core::Instant t = *parse_dtm("20261121083000.123");
  EXPECT_EQ(*parse_dtm(format_dtm(t)), t);
}

TEST(ParseDtm, RefusesWhatIsNotADateTimeAndSaysWhy) {
  const Result<core::Instant> bad_day = parse_dtm("20260230");
  ASSERT_FALSE(bad_day.has_value());
  EXPECT_EQ(bad_day.error().message(), "'20260230' is not an HL7 date/time (no such date)");
  EXPECT_FALSE(parse_dtm("2026112").has_value());
  EXPECT_FALSE(parse_dtm("20261121 0830").has_value());
  EXPECT_FALSE(parse_dtm("202611212500").has_value());
  EXPECT_FALSE(parse_dtm("20261121+01").has_value());
}

TEST(ParseDt, ReadsTheDateOfADtOrDtm) {
  EXPECT_EQ(core::format_date(*parse_dt("19800229")), "1980-02-29");
  EXPECT_EQ(core::format_date(*parse_dt("198002291230")), "1980-02-29");
  EXPECT_FALSE(parse_dt("19810229").has_value());
  EXPECT_FALSE(parse_dt("1981").has_value());
}

}  // namespace
}  // namespace aliquot::hl7
