#include "core/test_result.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace aliquot::core {

bool same_value(const ResultValue& a, const ResultValue& b) {
  return a.kind == b.kind && a.comparator == b.comparator && a.text == b.text &&
         (a.kind != ResultKind::kNumeric || a.number == b.number);
}

// Round half away from zero on the decimal digits, as a person would: 2.675 reports as 2.68 at
// two decimals even though its binary value is 2.67499999... We first print 15 significant
// digits, which recovers the decimal the value was entered as, then round that text.
//
// std::to_chars with a precision prints exactly what printf prints with the same conversion (the
// standard says "as if by printf in the C locale") and std::from_chars reads exactly as strtod, so
// these are the printf steps, at a tenth of their cost: a value is formatted several times on its
// way to the store and the audit trail.
std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "Inf" : "-Inf");
  if (decimals < 0) decimals = 0;
  char text[400];  // %.*f of a double up to 1.8e308 with up to 60 decimals
  decimals = std::min(decimals, 60);
  const auto print = [&text](double x, std::chars_format format, int precision) {
    const std::to_chars_result printed =
        std::to_chars(text, text + sizeof text, x, format, precision);
    return std::string_view(text, static_cast<std::size_t>(printed.ptr - text));
  };
  const auto read = [](std::string_view digits) {
    double x = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), x);
    return x;
  };
  const double recovered = read(print(value, std::chars_format::general, 15));
  const double scale = std::pow(10.0, decimals);
  // Undo binary drift in the product before deciding the half (e.g. 1.005 * 100 = 100.4999...).
  const double scaled = read(print(recovered * scale, std::chars_format::general, 12));
  const double rounded = std::copysign(std::floor(std::fabs(scaled) + 0.5), scaled) / scale;
  return std::string(print(rounded == 0 ? 0.0 : rounded, std::chars_format::fixed, decimals));
}

std::string format_reported(const ResultValue& value) {
  switch (value.kind) {
    case ResultKind::kNumeric:
      return value.comparator + format_decimal(value.number, value.decimals);
    case ResultKind::kCoded:
    case ResultKind::kText: return value.text;
  }
  return value.text;
}

}  // namespace aliquot::core
