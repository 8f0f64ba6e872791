#pragma once

// Reflex testing: which tests a result adds to its order under the lab's reflex rules
// (rules/rule_set.h, ReflexRule). A pure function; the lab adds the tests through the audited
// use case.

#include <optional>
#include <vector>

#include "core/enums.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "rules/autoverification.h"
#include "rules/rule_set.h"

namespace aliquot::rules {

// The reflex rules `value` fires, in file order. A value the rules found technically invalid
// (suppressed, or held for an instrument flag, failing QC, stability, an absurd value or the
// measuring range: a reason whose action is recollect, rerun-diluted or check-instrument) fires
// none: a test is not added on a value that is about to be measured again. `flag` is the
// value's flag against the patient's reference interval; `previous` the patient's last released
// result of the test, collected `previous_age_seconds` before this specimen.
std::vector<const ReflexRule*> fired_reflexes(const RuleSet& rules,
                                              const core::TestDefinition& test,
                                              const core::ResultValue& value,
                                              core::AbnormalFlag flag,
                                              const std::optional<PreviousResult>& previous,
                                              core::Instant collected_at, const Decision* decision);

}  // namespace aliquot::rules
