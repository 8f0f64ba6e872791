#pragma once

// The patient results quality control put on hold, as the bench reads them (`aliquot qc held`,
// the JSON API's /api/qc/held), and patient results named with their specimen and patient, as
// the QC commands list the results a run held, released or left for review.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/qc_records.h"
#include "core/test_result.h"
#include "store/store.h"

namespace aliquot::lab {

// A patient result with the accession number of its specimen ("" before it has one) and the MRN
// of its patient.
struct ResultOnSpecimen {
  std::string accession_number;
  std::string mrn;
  core::TestResult result;
};
Result<ResultOnSpecimen> result_on_specimen(store::Transaction& tx, const core::TestResult& result);
Result<std::vector<ResultOnSpecimen>> results_on_specimens(
    store::Transaction& tx, const std::vector<core::TestResult>& results);

// The result's JSON (lab/json.h) with "accession_number".
nlohmann::json to_json(const ResultOnSpecimen& result);
nlohmann::json to_json(const std::vector<ResultOnSpecimen>& results);

// An open QC hold with its run and its result.
struct QcHeldResult {
  core::QcHold hold;
  core::QcRun run;
  ResultOnSpecimen result;
};

// Every hold not resolved yet, by run then result. DataLoss when a hold names a run or result
// the lab does not have.
Result<std::vector<QcHeldResult>> open_qc_held_results(store::Transaction& tx);

// {"run_id", "instrument", "test_code", "run_measured_at", "state" ("held" or
// "released-to-review"), "corrective_action", "result": the result with "accession_number"}.
nlohmann::json to_json(const QcHeldResult& held);

}  // namespace aliquot::lab
