#include "rules/flagging.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "core/text.h"

namespace aliquot::rules {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

using core::equals_ignoring_case;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "K (Potassium)": how errors name a test.
std::string name_of(const core::TestDefinition& test) {
  return test.name.empty() ? test.code : test.code + " (" + test.name + ")";
}

// A plain decimal: optional '-', one or more digits, optionally '.' and one or more digits.
// Returns a description of the problem, or "" when `text` is one.
std::string plain_decimal_problem(std::string_view text) {
  if (text.empty()) return "no number";
  std::size_t i = 0;
  if (text[0] == '+') return "a '+' sign is not used; write the number alone";
  if (text[0] == '-') ++i;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const bool has_integer_digits = i > integer_start;
  if (i < text.size() && text[i] == '.') {
    if (!has_integer_digits) return "a decimal point needs a digit before it (write 0.5, not .5)";
    ++i;
    const std::size_t fraction_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == fraction_start) return "a decimal point needs a digit after it";
  }
  if (!has_integer_digits) return "not a number";
  if (i != text.size()) {
    const char c = text[i];
    if (c == 'e' || c == 'E') return "exponent notation is not accepted; write the plain decimal";
    if (c == ',') return "',' is not accepted; use '.' as the decimal point and no separators";
    return "unexpected character '" + std::string(1, c) + "'";
  }
  return "";
}

Result<double> parse_plain_decimal(const core::TestDefinition& test, std::string_view shown,
                                   std::string_view number) {
  const std::string problem = plain_decimal_problem(number);
  if (!problem.empty()) {
    return invalid_argument("value '" + std::string(shown) + "' for test " + name_of(test) +
                            " is not a plain decimal number: " + problem);
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value)) {
    return invalid_argument("value '" + std::string(shown) + "' for test " + name_of(test) +
                            " is out of range");
  }
  return value == 0 ? 0.0 : value;  // no "-0"
}

// A limit as reported with the test's decimals.
std::string limit_text(double limit, int decimals) { return core::format_decimal(limit, decimals); }

std::string reference_range_text(const core::ReferenceInterval& interval, int decimals) {
  if (interval.low && interval.high) {
    const std::string separator = (*interval.low < 0 || *interval.high < 0) ? " to " : "-";
    return limit_text(*interval.low, decimals) + separator + limit_text(*interval.high, decimals);
  }
  if (interval.high) return "<" + limit_text(*interval.high, decimals);
  if (interval.low) return ">" + limit_text(*interval.low, decimals);
  return interval.text;
}

}  // namespace

const core::ReferenceInterval* select_reference_interval(const core::TestDefinition& test,
                                                         core::AdministrativeSex sex, int age_days,
                                                         std::string_view specimen_type,
                                                         std::string_view method) {
  const core::ReferenceInterval* best = nullptr;
  int best_specificity = -1;
  for (const core::ReferenceInterval& interval : test.reference_intervals) {
    if (interval.sex && *interval.sex != sex) continue;
    if (age_days < interval.age_min_days) continue;
    if (interval.age_max_days && age_days >= *interval.age_max_days) continue;
    // An empty `specimen_type` or `method` matches no interval that names one (flagging.h).
    if (!interval.specimen_type.empty() &&
        !equals_ignoring_case(interval.specimen_type, specimen_type)) {
      continue;
    }
    if (!interval.method.empty() && !equals_ignoring_case(interval.method, method)) continue;
    // The precedence of flagging.h as weights: a method outranks a specimen type and a sex
    // together, a specimen type outranks a sex.
    const int specificity = (interval.method.empty() ? 0 : 4) +
                            (interval.specimen_type.empty() ? 0 : 2) + (interval.sex ? 1 : 0);
    if (specificity > best_specificity) {  // strictly: ties keep the first listed
      best = &interval;
      best_specificity = specificity;
    }
  }
  return best;
}

const core::ReferenceInterval* select_reference_interval(const core::TestDefinition& test,
                                                         core::AdministrativeSex sex,
                                                         int age_days) {
  return select_reference_interval(test, sex, age_days, "", "");
}

Flagging flag_result(const core::TestDefinition& test, const core::ResultValue& value,
                     core::AdministrativeSex sex, int age_days) {
  return flag_result(test, value, sex, age_days, "", "");
}

Flagging flag_result(const core::TestDefinition& test, const core::ResultValue& value,
                     core::AdministrativeSex sex, int age_days, std::string_view specimen_type,
                     std::string_view method) {
  Flagging out;
  const core::ReferenceInterval* interval =
      select_reference_interval(test, sex, age_days, specimen_type, method);
  if (interval != nullptr) out.reference_range = reference_range_text(*interval, test.decimals);

  switch (test.kind) {
    case core::ResultKind::kNumeric: {
      if (value.kind != core::ResultKind::kNumeric) return out;
      // "<x" and ">x" are judged by x: the contract of flagging.h.
      const double v = value.number;
      if (test.critical.low && v <= *test.critical.low) {
        out.flag = core::AbnormalFlag::kCriticalLow;
      } else if (test.critical.high && v >= *test.critical.high) {
        out.flag = core::AbnormalFlag::kCriticalHigh;
      } else if (interval != nullptr && interval->low && v < *interval->low) {
        out.flag = core::AbnormalFlag::kLow;
      } else if (interval != nullptr && interval->high && v > *interval->high) {
        out.flag = core::AbnormalFlag::kHigh;
      }
      break;
    }
    case core::ResultKind::kCoded: {
      if (value.kind != core::ResultKind::kCoded) return out;
      for (const std::string& abnormal : test.abnormal_answers) {
        if (equals_ignoring_case(abnormal, value.text)) {
          out.flag = core::AbnormalFlag::kAbnormal;
          break;
        }
      }
      break;
    }
    case core::ResultKind::kText: break;
  }
  out.critical = core::is_critical(out.flag);
  return out;
}

Result<core::ResultValue> parse_result_value(const core::TestDefinition& test,
                                             std::string_view text, std::string_view unit) {
  const std::string_view given_unit = trim(unit);
  if (!given_unit.empty() && given_unit != test.unit) {
    if (test.unit.empty()) {
      return invalid_argument("test " + name_of(test) + " has no unit, but unit '" +
                              std::string(given_unit) + "' was given");
    }
    return invalid_argument("unit '" + std::string(given_unit) + "' does not match the unit '" +
                            test.unit + "' of test " + name_of(test));
  }

  const std::string_view entered = trim(text);
  core::ResultValue value;
  value.kind = test.kind;
  value.unit = test.unit;
  value.decimals = test.decimals;
  if (entered.empty()) {
    return invalid_argument("no value given for test " + name_of(test));
  }

  switch (test.kind) {
    case core::ResultKind::kNumeric: {
      std::string_view number = entered;
      if (number.front() == '<' || number.front() == '>') {
        if (number.size() > 1 && number[1] == '=') {
          return invalid_argument(
              "value '" + std::string(entered) + "' for test " + name_of(test) + ": comparator '" +
              std::string(number.substr(0, 2)) +
              "' is not accepted; report a measuring-range limit as '<x' or '>x'");
        }
        value.comparator = std::string(1, number.front());
        number = trim(number.substr(1));
      }
      ALIQUOT_ASSIGN_OR_RETURN(value.number, parse_plain_decimal(test, entered, number));
      return value;
    }
    case core::ResultKind::kCoded: {
      for (const std::string& answer : test.answers) {
        if (equals_ignoring_case(answer, entered)) {
          value.text = answer;
          return value;
        }
      }
      std::string allowed;
      for (const std::string& answer : test.answers) {
        allowed += (allowed.empty() ? "" : ", ") + answer;
      }
      return invalid_argument("'" + std::string(entered) + "' is not an answer of test " +
                              name_of(test) + "; one of: " + allowed);
    }
    case core::ResultKind::kText: value.text = std::string(entered); return value;
  }
  return internal_error("test " + name_of(test) + " has an unknown result kind");
}

}  // namespace aliquot::rules
