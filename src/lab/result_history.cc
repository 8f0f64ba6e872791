#include "lab/result_history.h"

#include <algorithm>

#include "core/enums.h"
#include "core/text.h"
#include "lab/use_case_support.h"
#include "rules/flagging.h"

namespace aliquot::lab {

Result<std::vector<PreviousResult>> previous_released_results(
    store::Transaction& tx, const Context& ctx, std::int64_t patient_id,
    const std::string& test_code, core::Instant collected_before, std::size_t limit) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(patient_by_id(tx, patient_id));
  std::vector<PreviousResult> found;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Order> orders,
                           tx.orders_for_patient(patient_id));
  for (const core::Order& order : orders) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                             tx.results_for_order(order.id));
    std::vector<core::Specimen> specimens;  // read once per order, when a result needs them
    for (const core::TestResult& result : results) {
      if (!core::is_released(result.status) || result.specimen_id == 0 || !result.value ||
          !core::equals_ignoring_case(result.test_code, test_code)) {
        continue;
      }
      if (specimens.empty()) {
        ALIQUOT_ASSIGN_OR_RETURN(specimens, tx.specimens_for_order(order.id));
      }
      const auto specimen =
          std::find_if(specimens.begin(), specimens.end(),
                       [&](const core::Specimen& s) { return s.id == result.specimen_id; });
      if (specimen == specimens.end() || specimen->collected_at >= collected_before) continue;
      found.push_back(PreviousResult{.collected_at = specimen->collected_at,
                                     .accession_number = specimen->accession_number,
                                     .result = result});
    }
  }
  // Newest collection first; among specimens collected together, the later result first.
  std::sort(found.begin(), found.end(), [](const PreviousResult& a, const PreviousResult& b) {
    if (a.collected_at != b.collected_at) return a.collected_at > b.collected_at;
    return a.result.id > b.result.id;
  });
  if (found.size() > limit) found.resize(limit);
  return found;
}

PatientLimits limits_for_patient(const core::TestDefinition& test, const core::Patient& patient,
                                 const core::Specimen& specimen, const std::string& method) {
  PatientLimits limits;
  const int age_days = core::age_in_days(patient.birth_date, specimen.collected_at);
  if (const core::ReferenceInterval* interval = rules::select_reference_interval(
          test, patient.sex, age_days, specimen.specimen_type, method)) {
    limits.reference = *interval;
  }
  limits.critical = test.critical;
  return limits;
}

}  // namespace aliquot::lab
