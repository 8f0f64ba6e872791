#include "core/test_result.h"

#include <cmath>
#include <cstdio>

namespace aliquot::core {

// Round half away from zero on the decimal digits, as a person would: 2.675 reports as 2.68 at
// two decimals even though its binary value is 2.67499999... We first print 15 significant
// digits, which recovers the decimal the value was entered as, then round that text.
std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value > 0 ? "Inf" : "-Inf");
  if (decimals < 0) decimals = 0;
  char shortest[64];
  std::snprintf(shortest, sizeof shortest, "%.15g", value);
  const double recovered = std::strtod(shortest, nullptr);
  const double scale = std::pow(10.0, decimals);
  double scaled = recovered * scale;
  // Undo binary drift in the product before deciding the half (e.g. 1.005 * 100 = 100.4999...).
  char product[64];
  std::snprintf(product, sizeof product, "%.12g", scaled);
  scaled = std::strtod(product, nullptr);
  const double rounded = std::copysign(std::floor(std::fabs(scaled) + 0.5), scaled) / scale;
  char out[64];
  std::snprintf(out, sizeof out, "%.*f", decimals, rounded == 0 ? 0.0 : rounded);
  return out;
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
