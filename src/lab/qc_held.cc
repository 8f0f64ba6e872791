#include "lab/qc_held.h"

#include <optional>
#include <utility>

#include "lab/json.h"

namespace aliquot::lab {

Result<ResultOnSpecimen> result_on_specimen(store::Transaction& tx,
                                            const core::TestResult& result) {
  ResultOnSpecimen named{.accession_number = "", .mrn = "", .result = result};
  if (result.specimen_id != 0) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                             tx.find_specimen(result.specimen_id));
    if (specimen) named.accession_number = specimen->accession_number;
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> order, tx.find_order(result.order_id));
  if (order) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Patient> patient,
                             tx.find_patient(order->patient_id));
    if (patient) named.mrn = patient->mrn;
  }
  return named;
}

Result<std::vector<ResultOnSpecimen>> results_on_specimens(
    store::Transaction& tx, const std::vector<core::TestResult>& results) {
  std::vector<ResultOnSpecimen> named;
  named.reserve(results.size());
  for (const core::TestResult& result : results) {
    ALIQUOT_ASSIGN_OR_RETURN(ResultOnSpecimen one, result_on_specimen(tx, result));
    named.push_back(std::move(one));
  }
  return named;
}

nlohmann::json to_json(const ResultOnSpecimen& result) {
  nlohmann::json json = to_json(result.result);
  json["accession_number"] = result.accession_number;
  return json;
}

nlohmann::json to_json(const std::vector<ResultOnSpecimen>& results) {
  nlohmann::json list = nlohmann::json::array();
  for (const ResultOnSpecimen& result : results) list.push_back(to_json(result));
  return list;
}

Result<std::vector<QcHeldResult>> open_qc_held_results(store::Transaction& tx) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> holds, tx.open_qc_holds());
  std::vector<QcHeldResult> held;
  held.reserve(holds.size());
  for (const core::QcHold& hold : holds) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcRun> run, tx.find_qc_run(hold.run_id));
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::TestResult> result,
                             tx.find_result(hold.result_id));
    if (!run || !result) {
      return data_loss("QC hold of run " + std::to_string(hold.run_id) + " on result " +
                       std::to_string(hold.result_id) +
                       " names a run or result the lab does not have");
    }
    ALIQUOT_ASSIGN_OR_RETURN(ResultOnSpecimen named, result_on_specimen(tx, *result));
    held.push_back(QcHeldResult{.hold = hold, .run = *run, .result = std::move(named)});
  }
  return held;
}

nlohmann::json to_json(const QcHeldResult& held) {
  return {{"run_id", held.hold.run_id},
          {"instrument", held.run.instrument},
          {"test_code", held.run.test_code},
          {"run_measured_at", core::format_instant(held.run.measured_at)},
          {"state", held.hold.was_released ? "released-to-review" : "held"},
          {"corrective_action", held.run.corrective_action},
          {"result", to_json(held.result)}};
}

}  // namespace aliquot::lab
