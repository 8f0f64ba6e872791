#pragma once

// The JSON of the lab's people records: the audit trail's images of them, `aliquot people ...
// --json` and the API. Dates are "YYYY-MM-DD", absent ones null.

#include <nlohmann/json.hpp>

#include "core/ce_activity.h"
#include "core/competency_event.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"

namespace aliquot::lab {

nlohmann::json to_json(const core::PersonRecord& person);
nlohmann::json to_json(const core::CompetencyEvent& event);
nlohmann::json to_json(const core::CeActivity& activity);
nlohmann::json to_json(const core::QualificationException& exception);

}  // namespace aliquot::lab
