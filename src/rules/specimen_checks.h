#pragma once

// The checks that judge one specimen's results together (rules/specimen_rules.h says what the
// lab writes for them). evaluate_specimen (rules/autoverification.h) runs them after each
// result's own rules.
//
// Changes are measured on the logarithmic scale, where a stable patient's results vary
// symmetrically: the standardized change of an analyte is
//     z = ln(current / previous) / sigma,
//     sigma^2 = 2 (ln(1 + CVI^2) + ln(1 + CVA^2)) + (step^2 / 12) (1 / current^2 + 1 / previous^2),
// the last term being the rounding of both reported values to the test's decimals (step =
// 10^-decimals); values below half a step count as half a step. For a stable patient z is close
// to standard normal (Fokkema et al., Clin Chem 2006;52:327), so:
//   - RCV: |z| beyond the two-sided normal quantile of the false-alarm rate holds the result;
//   - multi-analyte: the sum of z^2 over the k analytes with a previous result is chi-square
//     with k degrees of freedom; beyond its quantile, and still beyond the quantile for k - 1
//     without the largest single change (one large change is the RCV's business, not a sign of
//     another patient), every result of the specimen is held;
//   - contamination: the share s of a fluid that best explains the changes (weighted least
//     squares of current - previous against s (fluid - previous)) and its standard error; a
//     share beyond the one-sided quantile, with and without the analyte that weighs most (so
//     that a diabetic's rising glucose alone is no dextrose), holds every result.

#include <span>

#include "rules/autoverification.h"
#include "rules/rule_set.h"

namespace aliquot::rules {

// Adds the reasons the specimen-wide rules find to `decisions` (decisions[i] is for
// candidates[i]); a decision that gains a reason no longer autoverifies.
void apply_specimen_checks(const RuleSet& rules, const SpecimenFacts& specimen,
                           std::span<const Candidate> candidates, std::span<Decision> decisions);

}  // namespace aliquot::rules
