#include "people/experience.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/text.h"

namespace aliquot::people {
namespace {

using Day = std::chrono::sys_days;

// The days of `period` within [since, on], as [first, end): empty when it has none.
std::pair<Day, Day> days_within(const core::ExperiencePeriod& period, core::Date on,
                                std::optional<core::Date> since) {
  Day first{period.from};
  Day last{period.to ? std::min(*period.to, on) : on};
  if (since) first = std::max(first, Day{*since});
  if (last < first) return {first, first};
  return {first, last + std::chrono::days{1}};
}

}  // namespace

double experience_months(const std::vector<core::ExperiencePeriod>& periods, core::Date on,
                         std::optional<core::Date> since) {
  // Sweep the days in order: each period adds its share from its first day and takes it away
  // after its last, and the share worked on a day is capped at full time.
  std::vector<std::pair<Day, double>> changes;
  for (const core::ExperiencePeriod& period : periods) {
    const auto [first, end] = days_within(period, on, since);
    if (first == end || period.full_time_share <= 0) continue;
    changes.emplace_back(first, period.full_time_share);
    changes.emplace_back(end, -period.full_time_share);
  }
  std::sort(changes.begin(), changes.end());
  double days = 0;
  double share = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    share += changes[i].second;
    if (i + 1 < changes.size()) {
      const auto length = (changes[i + 1].first - changes[i].first).count();
      days += static_cast<double>(length) * std::clamp(share, 0.0, 1.0);
    }
  }
  return days / kDaysPerMonth;
}

std::vector<std::string> experience_areas(const std::vector<core::ExperiencePeriod>& periods,
                                          core::Date on, std::optional<core::Date> since) {
  std::vector<std::string> areas;
  for (const core::ExperiencePeriod& period : periods) {
    const auto [first, end] = days_within(period, on, since);
    if (first == end) continue;
    for (const std::string& area : period.areas) {
      const bool known = std::any_of(areas.begin(), areas.end(), [&](const std::string& seen) {
        return core::equals_ignoring_case(seen, area);
      });
      if (!known) areas.push_back(area);
    }
  }
  return areas;
}

}  // namespace aliquot::people
