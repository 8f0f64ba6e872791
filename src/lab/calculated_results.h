#pragma once

// Calculated tests in the results path (core::TestDefinition::calculated): after values are
// recorded, released or corrected, the calculated results of the order that use them are
// computed again with ctx.calculations and stored, held, released or corrected (lab/use_cases.h
// says when). Internal to lab/.

#include <string>
#include <string_view>
#include <vector>

#include "core/order.h"
#include "core/patient.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "core/user.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// Who entered a calculated value (TestResult::entered_by).
inline constexpr std::string_view kCalculator = "calculation";

// The category of the hold that keeps a calculated result until its inputs are released.
inline constexpr std::string_view kCalculationHold = "calculation";

// FailedPrecondition "EGFR is calculated from CREAT; it cannot be entered" for a calculated test;
// ok for any other.
Result<void> refuse_calculated_entry(const core::TestDefinition& test);

// What changed on the order: the input tests whose results were recorded, released or corrected,
// and, for a correction, why (named in the correction of a released calculated result).
struct InputChange {
  std::vector<std::string> test_codes;
  std::string correction;  // "CREAT corrected: wrong specimen"; empty unless corrected
};

// Computes again each live calculated result on a received specimen of `order` that uses one of
// `changed.test_codes`, when every input it needs is on the order with a value (otherwise it
// stays as it is). Returns the results it changed, as stored now. Without ctx.calculations it
// does nothing.
//
// - The value is the calculation's, or, when it must not be reported (a validity rule, an input
//   outside its limits, an input reported as "<x", a patient of a sex other than F or M), the
//   reason as text: "Not calculated: ...". Entered by "calculation", audited as result.calculate
//   with the calculation and the input values in the reason.
// - While any input is not released the result is held (category "calculation", suppressing: a
//   person cannot release it either). Once all are released it is judged with ctx.rules like any
//   value and, when it passes, released by autoverification (result.autoverify, report queued).
// - A released calculated result whose value changes (an input was corrected) is corrected: the
//   earlier value is kept as a revision, the reason names the input's correction, and the
//   corrected report is queued.
Result<std::vector<core::TestResult>> update_calculated_results(
    store::Transaction& tx, const Context& ctx, const core::User& actor, core::Instant now,
    const core::Order& order, const core::Patient& patient, const InputChange& changed);

// The calculated results of `on_order` (an order's results) that are neither cancelled nor
// released and cannot be computed without `test_code`: a required input of their calculation.
// An optional input's tests are not among them: they are computed without it. Without
// ctx.calculations, none.
std::vector<const core::TestResult*> calculated_results_requiring(
    const Context& ctx, const std::vector<core::TestResult>& on_order, std::string_view test_code);

}  // namespace aliquot::lab
