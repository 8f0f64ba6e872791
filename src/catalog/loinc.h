#pragma once

// LOINC codes: one to seven digits, a hyphen, and a check digit computed with the "Mod 10"
// algorithm of the LOINC Users' Guide (the Luhn scheme). Pure functions.

#include <optional>
#include <string_view>

#include "core/error.h"

namespace aliquot::catalog {

// The check digit of `digits` (the part before the hyphen); empty when `digits` is empty or not
// all decimal digits.
std::optional<char> loinc_check_digit(std::string_view digits);

// Accepts "2823-3". InvalidArgument for a malformed code ("malformed LOINC code '28233': ...")
// and for a wrong check digit, naming the expected one
// ("LOINC code '2823-4' has check digit 4; expected 3").
Result<void> validate_loinc(std::string_view code);

}  // namespace aliquot::catalog
