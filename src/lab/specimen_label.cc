#include "lab/specimen_label.h"

#include "lab/use_case_support.h"

namespace aliquot::lab {

Result<SpecimenLabel> specimen_label(store::Transaction& tx, const Context& ctx,
                                     const std::string& accession_number) {
  ALIQUOT_RETURN_IF_ERROR(authorize(tx, ctx.actor.username, Action::kAccessionSpecimen));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Specimen specimen,
                           specimen_by_accession(tx, accession_number));
  if (specimen.status == core::SpecimenStatus::kRejected) {
    return failed_precondition("specimen " + specimen.accession_number +
                               " was rejected; its tube is not labelled again (accession the "
                               "order again for the recollection)");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_id(tx, specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                           tx.results_for_specimen(specimen.id));

  SpecimenLabel label;
  label.accession_number = specimen.accession_number;
  label.check_character = specimen.accession_number.empty() ? 0 : specimen.accession_number.back();
  label.patient_name = patient.family_name + ", " + patient.given_name;
  label.mrn = patient.mrn;
  label.birth_date = patient.birth_date;
  label.specimen_type = specimen.specimen_type;
  label.container_type = specimen.container_type;
  label.priority = order.priority;
  for (const core::TestResult& result : results) {
    if (result.status != core::ResultStatus::kCancelled) label.tests.push_back(result.test_code);
  }
  label.collected_at = specimen.collected_at;
  return label;
}

nlohmann::json to_json(const SpecimenLabel& label) {
  return nlohmann::json{
      {"accession", label.accession_number},
      {"check", label.check_character == 0 ? std::string() : std::string(1, label.check_character)},
      {"patient_name", label.patient_name},
      {"mrn", label.mrn},
      {"birth_date", core::format_date(label.birth_date)},
      {"specimen_type", label.specimen_type},
      {"container", label.container_type},
      {"priority", core::to_code(label.priority)},
      {"tests", label.tests},
      {"collected_at", core::format_instant(label.collected_at)},
  };
}

}  // namespace aliquot::lab
