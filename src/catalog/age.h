#pragma once

// Ages in reference-interval bands, written as a whole number and a unit: "0d", "30d", "2w",
// "6m", "18y". Bands are kept in days (core::ReferenceInterval), so each unit converts to days:
//   d = 1 day, w = 7 days, m = floor(n x 30.4375) days, y = floor(n x 365.25) days.
// 365.25 and 30.4375 (= 365.25 / 12) are the mean Julian year and month (UCUM 'a_j', 'mo_j').
// An age in completed years cannot be expressed in days exactly because leap days vary; this
// conversion puts each birthday within one day of the true one, so a patient is at most one
// day early or late into the next band. Labs that need a day-exact neonatal band write it in
// days ("7d", "28d").

#include <string_view>

#include "core/error.h"

namespace aliquot::catalog {

// Reads "18y" as 6574. InvalidArgument for anything else, including ages over 150 years:
// "invalid age '18': expected a whole number followed by d, w, m or y (e.g. 30d, 6m, 18y)".
Result<int> parse_age_days(std::string_view text);

}  // namespace aliquot::catalog
