#pragma once

// A time zone of the IANA time zone database, for reading wall-clock times that other systems
// send without an offset (ARCHITECTURE decision 6: stored in UTC; the source's zone decides what
// a local time means). The rules are the ones the operating system ships (Debian package tzdata,
// /usr/share/zoneinfo), read through Howard Hinnant's date/tz library (Debian
// libhowardhinnant-date-dev, built to use the system database: no download, no copy of our own).
//
// Known limit of that library in this build: it reads the transitions listed in the TZif files,
// which run to 2037, and not the rule at the end of the file that extends them; for later years
// it keeps the last listed offset (standard time). The times the lab reads are times of the
// present (collection, receipt), so this matters from 2038 on; by then the library or this class
// must read the rule (TZif version 2+ footer, RFC 8536 section 3.3).
//
// A TimeZone is a small value (a pointer into the process-wide database and a name); copies are
// cheap. Thread-safe: the database is loaded once, under the library's own synchronization.

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"

namespace date {
class time_zone;
}  // namespace date

namespace aliquot::core {

// A date and time of day on a wall clock, in no particular zone.
using LocalTime = std::chrono::local_time<std::chrono::milliseconds>;

class TimeZone {
 public:
  // Coordinated Universal Time; needs no database.
  static TimeZone utc();

  // The zone of an IANA name ("America/Chicago", "Europe/Paris", "UTC"). InvalidArgument when the
  // text cannot be a zone name (empty, blanks, "..", a leading '/'); NotFound "time zone
  // 'Mars/Olympus' is not in the time zone database (/usr/share/zoneinfo)" when the database has
  // no such zone, or Unavailable when there is no database at all.
  static Result<TimeZone> named(std::string_view name);

  // The machine's zone (/etc/localtime), or UTC when it cannot be determined.
  static TimeZone machine();

  // The IANA name, e.g. "America/Chicago"; "UTC" for utc().
  const std::string& name() const { return name_; }

  // The offset from UTC (east positive, in whole minutes) in force at wall-clock time `local`,
  // daylight saving time included. A local time that happens twice (the hour repeated when
  // clocks go back) takes the first of the two, the earlier instant; a local time that never
  // happens (the hour skipped when clocks go forward) takes the offset in force before the
  // change, as a clock not yet put forward would read it.
  std::chrono::minutes offset_at(LocalTime local) const;

  // The instant wall-clock time `local` names in this zone (offset_at() applied).
  Instant to_instant(LocalTime local) const;

  // What a clock set to this zone reads at `at`, daylight saving time included.
  LocalTime to_local(Instant at) const;

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  const date::time_zone* zone_ = nullptr;  // nullptr: UTC; owned by the library's database
  std::string name_;
};

}  // namespace aliquot::core
