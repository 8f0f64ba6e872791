// receive_specimen and reject_specimen (lab/use_cases.h).

#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

std::string rejection_text(const core::Specimen& specimen) {
  return specimen.rejection_reason ? std::string(core::describe(*specimen.rejection_reason))
                                   : std::string("no reason recorded");
}

audit::Change specimen_change(std::string action, const core::Specimen& specimen,
                              const core::Patient& patient) {
  audit::Change change;
  change.action = std::move(action);
  change.entity_type = "specimen";
  change.entity_key = specimen.accession_number;
  change.patient_mrn = patient.mrn;
  change.accession_number = specimen.accession_number;
  return change;
}

}  // namespace

Result<core::Specimen> receive_specimen(store::Transaction& tx, const Context& ctx,
                                        const ReceiveSpecimen& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kReceiveSpecimen));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(core::Specimen specimen,
                           specimen_by_accession(tx, command.accession_number));
  if (specimen.status == core::SpecimenStatus::kReceived) {
    return failed_precondition(
        "specimen " + specimen.accession_number + " was already received at " +
        (specimen.received_at ? core::format_instant(*specimen.received_at) : "?") + " by " +
        specimen.received_by);
  }
  if (specimen.status == core::SpecimenStatus::kRejected) {
    return failed_precondition("specimen " + specimen.accession_number + " was rejected (" +
                               rejection_text(specimen) + ") and cannot be received");
  }
  // Receipt is stamped now; a collection time after it means a wrong clock or a wrong entry.
  if (specimen.collected_at > now) {
    return failed_precondition("specimen " + specimen.accession_number + " was collected at " +
                               core::format_instant(specimen.collected_at) +
                               ", after the time of receipt " + core::format_instant(now));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_id(tx, specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));

  const std::string before = audit_image(specimen);
  specimen.status = core::SpecimenStatus::kReceived;
  specimen.received_at = now;
  specimen.received_by = actor.username;
  specimen.condition = trimmed(command.condition);
  if (specimen.condition.empty()) specimen.condition = "acceptable";
  ALIQUOT_RETURN_IF_ERROR(tx.update_specimen(specimen));

  audit::Change change = specimen_change("specimen.receive", specimen, patient);
  change.before = before;
  change.after = audit_image(specimen);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return specimen;
}

Result<core::Specimen> reject_specimen(store::Transaction& tx, const Context& ctx,
                                       const RejectSpecimen& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kRejectSpecimen));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(core::Specimen specimen,
                           specimen_by_accession(tx, command.accession_number));
  if (specimen.status == core::SpecimenStatus::kRejected) {
    return failed_precondition("specimen " + specimen.accession_number + " is already rejected (" +
                               rejection_text(specimen) + ")");
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                           tx.results_for_specimen(specimen.id));
  for (const core::TestResult& result : results) {
    if (core::is_released(result.status)) {
      return failed_precondition("specimen " + specimen.accession_number +
                                 " cannot be rejected: result " + result.test_code +
                                 " is already released; correct the released result instead");
    }
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_id(tx, specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));

  const std::string reason_text(core::describe(command.reason));
  const std::string comment = trimmed(command.comment);
  const std::string before = audit_image(specimen);
  specimen.status = core::SpecimenStatus::kRejected;
  specimen.rejection_reason = command.reason;
  specimen.rejection_comment = comment;
  specimen.rejected_at = now;
  specimen.rejected_by = actor.username;
  ALIQUOT_RETURN_IF_ERROR(tx.update_specimen(specimen));

  audit::Change change = specimen_change("specimen.reject", specimen, patient);
  change.before = before;
  change.after = audit_image(specimen);
  change.reason = comment.empty() ? reason_text : reason_text + ": " + comment;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));

  // The rejected specimen's results stay as its history; the tests stay outstanding on the order
  // through new pending results without a specimen, which the next accession_order collects.
  const std::string cancel_reason = "specimen rejected: " + reason_text;
  for (core::TestResult& result : results) {
    if (result.status == core::ResultStatus::kCancelled) continue;
    const std::string result_before = audit_image(result);
    result.status = core::ResultStatus::kCancelled;
    result.cancelled_at = now;
    result.cancelled_by = actor.username;
    result.cancel_reason = cancel_reason;
    ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));

    audit::Change cancelled;
    cancelled.action = "result.cancel";
    cancelled.entity_type = "result";
    cancelled.entity_key = result_key(specimen.accession_number, result.test_code);
    cancelled.patient_mrn = patient.mrn;
    cancelled.accession_number = specimen.accession_number;
    cancelled.test_code = result.test_code;
    cancelled.before = result_before;
    cancelled.after = audit_image(result);
    cancelled.reason = cancel_reason;
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, cancelled));

    core::TestResult outstanding;
    outstanding.order_id = result.order_id;
    outstanding.test_code = result.test_code;
    outstanding.section = result.section;
    outstanding.status = core::ResultStatus::kPending;
    ALIQUOT_ASSIGN_OR_RETURN(outstanding, tx.insert_result(outstanding));

    audit::Change recollect;
    recollect.action = "result.recollect";
    recollect.entity_type = "result";
    recollect.entity_key = result_key(order.order_number, outstanding.test_code);
    recollect.patient_mrn = patient.mrn;
    recollect.test_code = outstanding.test_code;
    recollect.after = audit_image(outstanding);
    recollect.reason =
        "recollection: specimen " + specimen.accession_number + " rejected (" + reason_text + ")";
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, recollect));
  }
  return specimen;
}

}  // namespace aliquot::lab
