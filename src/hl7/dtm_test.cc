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
