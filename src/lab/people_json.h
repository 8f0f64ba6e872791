#pragma once

// The JSON of the lab's people records: the audit trail's images of them, `aliquot people ...
// --json` and the API. Dates are "YYYY-MM-DD", absent ones null.

#include <nlohmann/json.hpp>

#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"
#include "lab/people_records.h"
#include "people/continuing_education.h"
#include "people/eligibility.h"
#include "people/expiring.h"

namespace aliquot::lab {

nlohmann::json to_json(const core::PersonRecord& person);
nlohmann::json to_json(const core::CompetencyEvent& event);
nlohmann::json to_json(const core::CeActivity& activity);
nlohmann::json to_json(const core::QualificationException& exception);
// {"person", "on", "competency":[{"test_system", "state", "due", "requirement", "events"}],
// "ce_activities", "exceptions"}; state "no-start-recorded" when no start of testing is known.
nlohmann::json to_json(const PersonSummary& summary);
// {"person", "kind", "what", "due", "days_left"}.
nlohmann::json to_json(const people::ExpiringItem& item);
// {"credential", "route", "summary", "verify", "eligible", "missing"}.
nlohmann::json to_json(const people::RouteAnswer& answer);
// {name, version, categories: [{code, name}], programs: [{name, source, credentials,
// cycle_years, points, verify, minimums: [{category, points}]}]}.
nlohmann::json to_json(const people::CeRules& rules);

}  // namespace aliquot::lab
