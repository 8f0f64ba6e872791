#pragma once

// Adding the tests a reflex rule asks for (rules/reflex.h) to the order of the result that fired
// it, inside the use case that recorded the result.

#include <string>
#include <vector>

#include "core/test_result.h"
#include "core/user.h"
#include "lab/context.h"
#include "lab/use_case_support.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::lab {

// Adds each test of `rule.add` that the order does not already have live (any status but
// cancelled) as a pending result, audited as result.order with the rule's reason and the value
// that fired it. The new result goes on the triggering specimen when its specimen type and
// container fit the test (an add-on to the tube already in the lab), else on another live
// specimen of the order that fits, else it waits for a collection (no specimen). Returns the
// results added.
Result<std::vector<core::TestResult>> add_reflex_tests(store::Transaction& tx, const Context& ctx,
                                                       const core::User& actor, core::Instant now,
                                                       const LocatedResult& trigger,
                                                       const rules::ReflexRule& rule);

}  // namespace aliquot::lab
