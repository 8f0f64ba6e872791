#include "simulate/analyzer_rack.h"

#include <algorithm>
#include <functional>
#include <set>

namespace aliquot::simulate {
namespace {

// An adult of unknown sex: the reference intervals for all adults apply.
constexpr int kUnknownPatientAgeDays = 40 * 365;

RackSpecimen unknown_specimen(const std::string& accession) {
  RackSpecimen specimen;
  specimen.accession_number = accession;
  specimen.patient.key = std::hash<std::string>{}(accession);
  specimen.patient.age_days = kUnknownPatientAgeDays;
  specimen.sample = specimen.patient.key;
  return specimen;
}

RackSpecimen known_specimen(const core::Specimen& specimen, const core::Patient& patient,
                            const core::Clock& clock) {
  RackSpecimen loaded;
  loaded.accession_number = specimen.accession_number;
  loaded.patient.key = static_cast<std::uint64_t>(patient.id);
  loaded.patient.sex = patient.sex;
  const core::Instant collected =
      specimen.collected_at == core::Instant{} ? clock.now() : specimen.collected_at;
  loaded.patient.age_days = std::max(0, core::age_in_days(patient.birth_date, collected));
  loaded.sample = static_cast<std::uint64_t>(specimen.id);
  return loaded;
}

}  // namespace

Result<std::vector<RackSpecimen>> rack_from_store(store::Transaction& tx,
                                                  const ingest::InstrumentProfile& profile,
                                                  const core::Clock& clock) {
  std::set<std::string, std::less<>> performed;
  for (const auto& [code, mapping] : profile.codes) performed.insert(mapping.test_code);
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::WorklistRow> rows, tx.worklist(""));
  std::vector<RackSpecimen> rack;
  std::set<std::string, std::less<>> loaded;
  for (const store::WorklistRow& row : rows) {
    if (row.result.status != core::ResultStatus::kPending) continue;
    if (!performed.contains(row.result.test_code)) continue;
    if (!loaded.insert(row.specimen.accession_number).second) continue;
    rack.push_back(known_specimen(row.specimen, row.patient, clock));
  }
  return rack;
}

Result<std::vector<RackSpecimen>> rack_from_accessions(store::Transaction& tx,
                                                       const std::vector<std::string>& accessions,
                                                       const core::Clock& clock) {
  std::vector<RackSpecimen> rack;
  for (const std::string& accession : accessions) {
    if (accession.empty()) return invalid_argument("an empty accession number in the rack list");
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                             tx.find_specimen_by_accession(accession));
    std::optional<core::Patient> patient;
    if (specimen) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> order,
                               tx.find_order(specimen->order_id));
      if (order) {
        ALIQUOT_ASSIGN_OR_RETURN(patient, tx.find_patient(order->patient_id));
      }
    }
    rack.push_back(specimen && patient ? known_specimen(*specimen, *patient, clock)
                                       : unknown_specimen(accession));
  }
  return rack;
}

std::vector<RackSpecimen> rack_without_store(const std::vector<std::string>& accessions) {
  std::vector<RackSpecimen> rack;
  for (const std::string& accession : accessions) rack.push_back(unknown_specimen(accession));
  return rack;
}

}  // namespace aliquot::simulate
