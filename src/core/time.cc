#include "core/time.h"

#include <charconv>
#include <cstdio>

namespace aliquot::core {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

// Reads exactly `width` decimal digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

Result<Date> parse_date_prefix(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !read_digits(text, 0, 4, y) || text[4] != '-' ||
      !read_digits(text, 5, 2, m) || text[7] != '-' || !read_digits(text, 8, 2, d)) {
    return invalid_argument("'" + std::string(text) + "' is not a date of the form YYYY-MM-DD");
  }
  Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
            std::chrono::day{static_cast<unsigned>(d)}};
  if (!date.ok()) {
    return invalid_argument("'" + std::string(text.substr(0, 10)) + "' is not a calendar date");
  }
  return date;
}

}  // namespace

Instant SystemClock::now() const {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

std::int64_t to_unix_millis(Instant t) { return t.time_since_epoch().count(); }
Instant from_unix_millis(std::int64_t ms) { return Instant(milliseconds(ms)); }

std::string format_instant(Instant t) {
  const sys_days day = std::chrono::floor<days>(t);
  const Date date{day};
  const std::chrono::hh_mm_ss<milliseconds> tod{t - day};
  char buffer[40];
  const long long ms = tod.subseconds().count();
  if (ms != 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long long>(tod.hours().count()),
                  static_cast<long long>(tod.minutes().count()),
                  static_cast<long long>(tod.seconds().count()), ms);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()), static_cast<long long>(tod.hours().count()),
                  static_cast<long long>(tod.minutes().count()),
                  static_cast<long long>(tod.seconds().count()));
  }
  return buffer;
}

Result<Instant> parse_instant(std::string_view text) {
  const auto refuse = [&](std::string_view why) {
    return invalid_argument("'" + std::string(text) + "' is not a time (" + std::string(why) +
                            "); expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]");
  };
  ALIQUOT_ASSIGN_OR_RETURN(const Date date, parse_date_prefix(text));
  if (text.size() < 16 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
    return refuse("no time of day");
  }
  int hh = 0, mi = 0, ss = 0, ms = 0;
  if (!read_digits(text, 11, 2, hh) || text[13] != ':' || !read_digits(text, 14, 2, mi)) {
    return refuse("bad hour or minute");
  }
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!read_digits(text, pos + 1, 2, ss)) return refuse("bad seconds");
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 3) ms = ms * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return refuse("bad fraction of a second");
      for (int i = digits; i < 3; ++i) ms *= 10;
    }
  }
  if (hh > 23 || mi > 59 || ss > 60) return refuse("hour, minute or second out of range");
  int offset_minutes = 0;
  if (pos >= text.size()) return refuse("no time zone: add Z or an offset such as +01:00");
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return refuse("bad offset");
    }
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return refuse("unexpected character after the time");
  }
  if (pos != text.size()) return refuse("trailing characters");
  const Instant local = std::chrono::time_point_cast<milliseconds>(sys_days{date}) +
                        std::chrono::hours(hh) + std::chrono::minutes(mi) +
                        std::chrono::seconds(ss) + milliseconds(ms);
  return local - std::chrono::minutes(offset_minutes);
}

Date add_months(Date date, int months) {
  Date moved = date + std::chrono::months(months);
  if (!moved.ok()) moved = moved.year() / moved.month() / std::chrono::last;
  return moved;
}

std::string format_date(Date d) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buffer;
}

Result<Date> parse_date(std::string_view text) {
  if (text.size() != 10) {
    return invalid_argument("'" + std::string(text) + "' is not a date of the form YYYY-MM-DD");
  }
  return parse_date_prefix(text);
}

int age_in_days(Date birth, Instant at) {
  const sys_days at_day = std::chrono::floor<days>(at);
  return static_cast<int>((at_day - sys_days{birth}).count());
}

int age_in_years(Date birth, Instant at) {
  const Date today{std::chrono::floor<days>(at)};
  int years = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  if (today.month() < birth.month() ||
      (today.month() == birth.month() && today.day() < birth.day())) {
    --years;
  }
  return years;
}

}  // namespace aliquot::core
