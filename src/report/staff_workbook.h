#pragma once

// The inspection export of the lab's people (lab::StaffInspection) as spreadsheet tables: what an
// inspector asks to see about personnel, one sheet each — Staff, Credentials, Competency,
// Continuing education, Exceptions and Expiring (the dashboard's 30/60/90 days).

#include <vector>

#include "lab/people_records.h"
#include "people/continuing_education.h"
#include "report/workbook.h"

namespace aliquot::report {

// Progress in continuing education is measured against `rules` for every certification whose
// program they name and whose issue (or last renewal) date is recorded.
std::vector<Sheet> staff_workbook(const lab::StaffInspection& inspection,
                                  const people::CeRules& rules);

// "Staff qualifications on 2026-11-23", for the workbook's properties.
WorkbookProperties staff_workbook_properties(const lab::StaffInspection& inspection,
                                             core::Instant created);

}  // namespace aliquot::report
