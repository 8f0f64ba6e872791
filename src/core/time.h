#pragma once

// Instants are UTC with millisecond precision (ARCHITECTURE decision 6: stored in UTC; turnaround
// time is measured from them). Calendar dates (birth dates) are civil dates without a zone.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::core {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;
using Date = std::chrono::year_month_day;

// The source of "now". Use cases never read the system clock directly, so that tests and the
// day simulator can run on their own time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// A clock that only moves when told to. Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start) {}
  Instant now() const override { return now_; }
  void set(Instant t) { now_ = t; }
  void advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  Instant now_;
};

std::int64_t to_unix_millis(Instant t);
Instant from_unix_millis(std::int64_t ms);

// RFC 3339 in UTC: "2026-11-21T20:26:41Z", with ".123" when the milliseconds are not zero.
std::string format_instant(Instant t);
// Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or "+HH:MM"/"-HH:MM" (a space may stand
// for the "T"). A time without a zone is refused: an unzoned time is ambiguous.
Result<Instant> parse_instant(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(Date d);
// `date` plus `months` calendar months, on the month's last day when it has no such day
// (31 August + 6 months = 28 or 29 February).
Date add_months(Date date, int months);
Result<Date> parse_date(std::string_view text);

// Completed days and completed years of life at instant `at` (UTC calendar). Negative when `at`
// is before birth.
int age_in_days(Date birth, Instant at);
int age_in_years(Date birth, Instant at);

}  // namespace aliquot::core
