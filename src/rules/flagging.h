#pragma once

// Range and critical flagging of a single result: the first of the autoverification rules.
// Pure functions: no store, no clock.

#include <string>
#include <string_view>

#include "core/enums.h"
#include "core/error.h"
#include "core/test_definition.h"
#include "core/test_result.h"

namespace aliquot::rules {

// The interval for a patient: the first listed interval whose sex matches (or is unset) and
// whose age band [min, max) contains `age_days`. nullptr when none applies.
const core::ReferenceInterval* select_reference_interval(const core::TestDefinition& test,
                                                         core::AdministrativeSex sex,
                                                         int age_days);

struct Flagging {
  core::AbnormalFlag flag = core::AbnormalFlag::kNone;
  bool critical = false;
  std::string reference_range;  // as reported: "3.5-5.1", "<200", ">40", "negative"; "" if none
};

// Numeric: LL/HH when at or beyond a critical limit, else L/H outside the interval. A value given
// as "<x" or ">x" is judged by its limit x. Coded: A when the answer is one of the test's abnormal
// answers. Text: never flagged.
Flagging flag_result(const core::TestDefinition& test, const core::ResultValue& value,
                     core::AdministrativeSex sex, int age_days);

// Reads an entered value for `test`: a number (optionally with a leading "<" or ">") for numeric
// tests, one of the allowed answers (case-insensitive, stored as the catalog spells it) for coded
// tests, any non-empty text for text tests. `unit`, when not empty, must equal the catalog's unit.
// The error names the test and what was wrong.
Result<core::ResultValue> parse_result_value(const core::TestDefinition& test,
                                             std::string_view text, std::string_view unit);

}  // namespace aliquot::rules
