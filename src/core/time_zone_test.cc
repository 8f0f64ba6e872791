#include "core/time_zone.h"

#include <gtest/gtest.h>

#include <chrono>

namespace aliquot::core {
namespace {

using namespace std::chrono_literals;

LocalTime local(int year, unsigned month, unsigned day, std::chrono::minutes time_of_day) {
  return LocalTime(std::chrono::local_days(std::chrono::year{year} / month / day)) + time_of_day;
}

TimeZone zone(std::string_view name) {
  Result<TimeZone> found = TimeZone::named(name);
  EXPECT_TRUE(found.has_value()) << (found.has_value() ? "" : found.error().to_string());
  return found.has_value() ? *found : TimeZone::utc();
}

TEST(TimeZone, UtcHasNoOffset) {
  const TimeZone utc = TimeZone::utc();
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.offset_at(local(2026, 7, 1, 12h)), 0min);
  EXPECT_EQ(format_instant(utc.to_instant(local(2026, 7, 1, 12h))), "2026-07-01T12:00:00Z");
}

TEST(TimeZone, TakesTheOffsetInForceAtTheLocalTime) {
  const TimeZone chicago = zone("America/Chicago");
  EXPECT_EQ(chicago.name(), "America/Chicago");
  // Central daylight time in summer (UTC-5), central standard time in winter (UTC-6).
  EXPECT_EQ(chicago.offset_at(local(2026, 7, 1, 8h)), -300min);
  EXPECT_EQ(chicago.offset_at(local(2026, 1, 15, 8h)), -360min);
  EXPECT_EQ(format_instant(chicago.to_instant(local(2026, 7, 1, 8h))), "2026-07-01T13:00:00Z");
  EXPECT_EQ(format_instant(chicago.to_instant(local(2026, 1, 15, 8h))), "2026-01-15T14:00:00Z");
}

TEST(TimeZone, FollowsTheChangeOnTheDayItHappens) {
  const TimeZone chicago = zone("America/Chicago");
  // US daylight saving time 2026 starts Sunday 8 March at 02:00 local standard time.
  EXPECT_EQ(chicago.offset_at(local(2026, 3, 8, 1h + 59min)), -360min);
  EXPECT_EQ(chicago.offset_at(local(2026, 3, 8, 3h)), -300min);
  // ... and ends Sunday 1 November at 02:00 local daylight time.
  EXPECT_EQ(chicago.offset_at(local(2026, 11, 1, 0h + 59min)), -300min);
  EXPECT_EQ(chicago.offset_at(local(2026, 11, 1, 2h)), -360min);
}

TEST(TimeZone, ReadsASkippedLocalTimeWithTheOffsetBeforeTheChange) {
  const TimeZone chicago = zone("America/Chicago");
  // 02:30 on 8 March 2026 never shows on a Chicago clock that was put forward.
  EXPECT_EQ(chicago.offset_at(local(2026, 3, 8, 2h + 30min)), -360min);
  EXPECT_EQ(format_instant(chicago.to_instant(local(2026, 3, 8, 2h + 30min))),
            "2026-03-08T08:30:00Z");
}

TEST(TimeZone, ReadsARepeatedLocalTimeAsTheEarlierInstant) {
  const TimeZone chicago = zone("America/Chicago");
  // 01:30 on 1 November 2026 happens twice: first in daylight time (06:30Z), then in standard
  // time (07:30Z).
  EXPECT_EQ(chicago.offset_at(local(2026, 11, 1, 1h + 30min)), -300min);
  EXPECT_EQ(format_instant(chicago.to_instant(local(2026, 11, 1, 1h + 30min))),
            "2026-11-01T06:30:00Z");
}

TEST(TimeZone, ShowsAnInstantOnTheLocalClock) {
  const TimeZone chicago = zone("America/Chicago");
  const auto instant = [](std::string_view text) { return *parse_instant(text); };
  EXPECT_EQ(chicago.to_local(instant("2026-07-01T13:00:00Z")), local(2026, 7, 1, 8h));
  EXPECT_EQ(chicago.to_local(instant("2026-01-15T14:00:00Z")), local(2026, 1, 15, 8h));
  // Both instants of the repeated hour show 01:30 on 1 November 2026.
  EXPECT_EQ(chicago.to_local(instant("2026-11-01T06:30:00Z")), local(2026, 11, 1, 1h + 30min));
  EXPECT_EQ(chicago.to_local(instant("2026-11-01T07:30:00Z")), local(2026, 11, 1, 1h + 30min));
  EXPECT_EQ(TimeZone::utc().to_local(instant("2026-07-01T13:00:00Z")), local(2026, 7, 1, 13h));
}

TEST(TimeZone, KnowsTheSouthernHemisphereAndHalfHourZones) {
  const TimeZone sydney = zone("Australia/Sydney");
  EXPECT_EQ(sydney.offset_at(local(2026, 1, 15, 9h)), 660min);  // AEDT, summer
  EXPECT_EQ(sydney.offset_at(local(2026, 7, 15, 9h)), 600min);  // AEST, winter
  EXPECT_EQ(zone("Asia/Kolkata").offset_at(local(2026, 7, 15, 9h)), 330min);
  EXPECT_EQ(zone("UTC").offset_at(local(2026, 7, 15, 9h)), 0min);
}

TEST(TimeZone, RefusesANameTheDatabaseDoesNotHave) {
  const Result<TimeZone> unknown = TimeZone::named("Mars/Olympus_Mons");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(),
            "time zone 'Mars/Olympus_Mons' is not in the time zone database "
            "(/usr/share/zoneinfo)");
}

TEST(TimeZone, RefusesTextThatCannotBeAZoneName) {
  for (const std::string_view text : {"", "../../etc/passwd", "/etc/localtime", "America/ Chicago",
                                      "America//Chicago", "Central Time"}) {
    const Result<TimeZone> refused = TimeZone::named(text);
    ASSERT_FALSE(refused.has_value()) << text;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument) << text;
  }
  EXPECT_EQ(TimeZone::named("central").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(TimeZone::named("Central Time").error().message(),
            "'Central Time' is not a time zone name (an IANA name such as America/Chicago)");
}

TEST(TimeZone, TheMachineZoneIsAZoneOfTheDatabase) {
  const TimeZone machine = TimeZone::machine();
  ASSERT_FALSE(machine.name().empty());
  const Result<TimeZone> again = TimeZone::named(machine.name());
  ASSERT_TRUE(again.has_value()) << machine.name();
  const LocalTime noon = local(2026, 7, 1, 12h);
  EXPECT_EQ(again->offset_at(noon), machine.offset_at(noon));
}

}  // namespace
}  // namespace aliquot::core
