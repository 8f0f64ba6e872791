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

// The interval for a result: of the test's intervals that match, the most specific one; nullptr
// when none matches.
//
// An interval matches when
//   - its sex is unset or equals `sex`,
//   - its age band [min, max) contains `age_days`,
//   - its specimen type is empty or equals `specimen_type` (ignoring letter case, as catalog codes
//     do), and
//   - its method is empty or equals `method` ignoring letter case.
// An interval naming a specimen type never matches when `specimen_type` is empty, and one naming
// a method never matches when `method` is empty: a range established for one specimen or one
// analyzer is not reported for a value whose specimen or analyzer is unknown.
//
// Among the matching intervals, in this order of precedence:
//   1. one naming a method beats one that does not (method-specific intervals, e.g. CALIPER's,
//      are the closest description of how the value was measured);
//   2. then one naming a specimen type beats one that does not;
//   3. then one naming a sex beats one that does not;
//   4. remaining ties go to the first listed.
// The catalog loader refuses two intervals with the same specimen type and method that could apply
// to the same patient (a sex-specific one and one for both sexes included), so for a loaded
// catalog steps 3 and 4 never decide; they keep the choice well defined for any list.
const core::ReferenceInterval* select_reference_interval(const core::TestDefinition& test,
                                                         core::AdministrativeSex sex, int age_days,
                                                         std::string_view specimen_type,
                                                         std::string_view method);

// The same with the specimen type and method unknown: only intervals that name neither apply.
const core::ReferenceInterval* select_reference_interval(const core::TestDefinition& test,
                                                         core::AdministrativeSex sex, int age_days);

struct Flagging {
  core::AbnormalFlag flag = core::AbnormalFlag::kNone;
  bool critical = false;
  std::string reference_range;  // as reported: "3.5-5.1", "<200", ">40", "negative"; "" if none
};

// Numeric: LL/HH when at or beyond a critical limit, else L/H outside the interval. A value given
// as "<x" or ">x" is judged by its limit x. Coded: A when the answer is one of the test's abnormal
// answers. Text: never flagged.
//
// The reference range text uses the test's decimals: "3.5-5.1" for both limits, "<200" when the
// interval has only a high limit, ">40" when only a low one, and "-2.0 to 2.0" when a limit is
// negative (a hyphen would read as a minus sign). An interval without limits reports its text.
//
// The interval is the one select_reference_interval picks for `sex`, `age_days`, `specimen_type`
// and `method`; when none applies, the value gets no L/H flag and the range text is "" (critical
// limits still apply: they do not depend on an interval).
Flagging flag_result(const core::TestDefinition& test, const core::ResultValue& value,
                     core::AdministrativeSex sex, int age_days, std::string_view specimen_type,
                     std::string_view method);

// The same with the specimen type and method unknown: only intervals that name neither apply.
Flagging flag_result(const core::TestDefinition& test, const core::ResultValue& value,
                     core::AdministrativeSex sex, int age_days);

// Reads an entered value for `test`: a number (optionally with a leading "<" or ">") for numeric
// tests, one of the allowed answers (case-insensitive, stored as the catalog spells it) for coded
// tests, any non-empty text for text tests. `unit`, when not empty, must equal the catalog's unit.
// The error names the test and what was wrong.
//
// Numbers are plain decimals only: an optional '-', digits, and optionally '.' followed by
// digits ("4.1", "-2", "0.5"). Refused, because each is a way a value gets misread: exponents
// ("1e3"), NaN and infinity, a bare leading or trailing point (".5", "5."), '+', thousands
// separators and decimal commas. Surrounding blanks are ignored, as are blanks between a
// comparator and its number ("< 0.01").
//
// Comparators: only "<" and ">" are accepted, the way an analyzer reports a value beyond its
// measuring range. "<=" and ">=" are refused rather than stored as "<"/">": rewriting them would
// change the reported meaning, and ResultValue promises "<" or ">" to every writer (HL7, reports).
// A numeric value gets the test's unit and decimals (full precision is kept; the decimals say
// how it is reported).
Result<core::ResultValue> parse_result_value(const core::TestDefinition& test,
                                             std::string_view text, std::string_view unit);

}  // namespace aliquot::rules
