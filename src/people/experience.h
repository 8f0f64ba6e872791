#pragma once

// How much clinical laboratory experience a person's record shows on a day, counted as
// certification bodies count it: months of full-time work (a half-time year is six months), a
// day worked in two places at once counting once, optionally only the work since a day (routes
// that ask for experience "within the last 10 years"), and the areas that work covered.

#include <optional>
#include <string>
#include <vector>

#include "core/person_record.h"
#include "core/time.h"

namespace aliquot::people {

// A month of experience: a twelfth of the mean Gregorian year.
inline constexpr double kDaysPerMonth = 365.2425 / 12;

// Months of full-time experience in `periods` from `since` (every day when none) through `on`. A
// continuing period counts through `on`; a period's days after `on` do not count. On a day
// covered by several periods the shares add up to at most full time.
double experience_months(const std::vector<core::ExperiencePeriod>& periods, core::Date on,
                         std::optional<core::Date> since = std::nullopt);

// The areas of the periods that have a day in [since, on] (every day through `on` when none), in
// the order first recorded, each once (letter case ignored).
std::vector<std::string> experience_areas(const std::vector<core::ExperiencePeriod>& periods,
                                          core::Date on,
                                          std::optional<core::Date> since = std::nullopt);

}  // namespace aliquot::people
