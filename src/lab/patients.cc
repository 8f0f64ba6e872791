// register_patient (lab/use_cases.h).

#include <chrono>
#include <optional>

#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {

Result<core::Patient> register_patient(store::Transaction& tx, const Context& ctx,
                                       const RegisterPatient& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kRegisterPatient));
  const core::Instant now = ctx.clock.now();
  const std::string mrn = trimmed(command.mrn);
  ALIQUOT_RETURN_IF_ERROR(core::validate_mrn(mrn));
  const std::string family_name = trimmed(command.family_name);
  if (family_name.empty()) {
    return invalid_argument("patient MRN '" + mrn + "' needs a family name");
  }
  if (!command.birth_date.ok()) {
    return invalid_argument("birth date of patient MRN '" + mrn + "' is not a calendar date");
  }
  const core::Date today{std::chrono::floor<std::chrono::days>(now)};
  if (command.birth_date > today) {
    return invalid_argument("birth date " + core::format_date(command.birth_date) +
                            " of patient MRN '" + mrn + "' is in the future (today is " +
                            core::format_date(today) + " UTC)");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Patient> existing,
                           tx.find_patient_by_mrn(mrn));
  if (existing) {
    return already_exists("a patient with MRN '" + mrn + "' is already registered (" +
                          existing->family_name + ", " + existing->given_name + ")");
  }

  core::Patient patient;
  patient.mrn = mrn;
  patient.family_name = family_name;
  patient.given_name = trimmed(command.given_name);
  patient.birth_date = command.birth_date;
  patient.sex = command.sex;
  patient.registered_at = now;
  patient.registered_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(patient, tx.insert_patient(patient));

  audit::Change change;
  change.action = "patient.register";
  change.entity_type = "patient";
  change.entity_key = patient.mrn;
  change.patient_mrn = patient.mrn;
  change.after = audit_image(patient);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return patient;
}

}  // namespace aliquot::lab
