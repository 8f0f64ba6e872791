#include "catalog/loinc.h"

#include <string>

namespace aliquot::catalog {

// LOINC Users' Guide, "Calculating Mod 10 check digits", in our own words:
//  1. number the digits from the right, starting at 1;
//  2. double the digits in odd positions;
//  3. add the digits of those products and the digits in even positions;
//  4. the check digit is what brings the sum up to the next multiple of ten (0 when it is one).
// Doubling each digit and adding the product's digits equals the guide's "double the number
// formed by the odd-position digits, then add its digits": every carry removes nine from both.
std::optional<char> loinc_check_digit(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  int sum = 0;
  int position = 1;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++position) {
    if (*it < '0' || *it > '9') return std::nullopt;
    int digit = *it - '0';
    if (position % 2 == 1) {
      digit *= 2;
      digit = digit / 10 + digit % 10;
    }
    sum += digit;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

Result<void> validate_loinc(std::string_view code) {
  if (code.empty()) return invalid_argument("empty LOINC code");
  const std::size_t hyphen = code.find('-');
  const std::string_view digits = code.substr(0, hyphen);
  const bool well_formed = hyphen != std::string_view::npos && hyphen + 2 == code.size() &&
                           !digits.empty() && digits.size() <= 7 && digits[0] != '0' &&
                           loinc_check_digit(digits).has_value() && code.back() >= '0' &&
                           code.back() <= '9';
  if (!well_formed) {
    return invalid_argument("malformed LOINC code '" + std::string(code) +
                            "': expected 1 to 7 digits without a leading zero, a hyphen and one "
                            "check digit, e.g. 2823-3");
  }
  const char expected = *loinc_check_digit(digits);
  if (code.back() != expected) {
    return invalid_argument("LOINC code '" + std::string(code) + "' has check digit " +
                            std::string(1, code.back()) + "; expected " + std::string(1, expected));
  }
  return ok();
}

}  // namespace aliquot::catalog
