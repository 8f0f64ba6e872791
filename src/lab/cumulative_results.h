#pragma once

// A patient's released values test by test, oldest first: the cumulative report a clinician
// reads as a table or a trend chart. Only released values (final or corrected) appear, as in
// patient_report (lab/queries.h): a value the lab has not released must not reach a chart
// either. A corrected result shows its corrected value; earlier values stay in its revisions.

#include <string>
#include <vector>

#include "core/patient.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "core/time.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

// One released value, at the time its specimen was collected: the time the value describes.
struct CumulativePoint {
  core::Instant collected_at{};
  core::ResultValue value;
  core::AbnormalFlag flag = core::AbnormalFlag::kNone;
  core::ResultStatus status = core::ResultStatus::kFinal;  // final or corrected
  std::string reference_range;
  std::string accession_number;
};

struct CumulativeTest {
  std::string code;
  const core::TestDefinition* test = nullptr;  // from the catalog in force; null if removed
  std::vector<CumulativePoint> points;         // by collection time, then result id
};

struct CumulativeResults {
  core::Patient patient;
  // The tests with at least one released value, in the catalog's order; tests the catalog no
  // longer has come last, by code.
  std::vector<CumulativeTest> tests;
};

// NotFound for an unknown MRN; PermissionDenied when the actor may not view records.
Result<CumulativeResults> cumulative_results(store::Transaction& tx, const Context& ctx,
                                             const std::string& mrn);

}  // namespace aliquot::lab
