#pragma once

// From the competency events the lab records (core/competency_event.h) to the history the
// schedule is computed from (people/competency.h), and what makes an assessment complete: each of
// the six CLIA elements assessed, and by someone other than the person assessed (42 CFR
// 493.1235, 493.1451(b)(8); ../shared/reference/personnel.md).

#include <optional>
#include <vector>

#include "core/competency_event.h"
#include "core/error.h"
#include "people/competency.h"

namespace aliquot::people {

// The history of one person on one test system from their events (of that person and system
// only); std::nullopt when none says when they started testing on it: without a start the
// first-year schedule cannot be known. The earliest start counts when several were recorded.
std::optional<CompetencyHistory> competency_history(
    const std::vector<core::CompetencyEvent>& events);

// InvalidArgument naming every problem: an assessment without an assessor, assessed by the
// person themselves, an element missing or unknown, or an element without the way it was
// assessed; elements or an assessor on an event that is not an assessment.
Result<void> check_competency_event(const core::CompetencyEvent& event);

}  // namespace aliquot::people
