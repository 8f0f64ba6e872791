// document_critical_call (lab/use_cases.h).

#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {

Result<core::CriticalCall> document_critical_call(store::Transaction& tx, const Context& ctx,
                                                  const DocumentCriticalCall& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kDocumentCriticalCall));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(
      const LocatedResult at,
      locate_result(tx, command.accession_number, canonical_test_code(ctx, command.test_code)));
  const core::TestResult& result = at.result;
  const std::string named = result_name(at);
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  if (!result.value) {
    return failed_precondition(named + " has no value; there is no critical value to call");
  }
  if (!core::is_critical(result.flag)) {
    return failed_precondition(named + " (" + describe_value(*result.value, result.flag) +
                               ") is not critical; a critical call is documented for LL or HH");
  }
  const std::string called_to = trimmed(command.called_to);
  if (called_to.empty()) {
    return invalid_argument("the call about " + named +
                            " needs the caregiver who received it (called to)");
  }
  // CLSI GP47: read-back is what makes the call a notification.
  if (!command.read_back_confirmed) {
    return failed_precondition(
        "read-back not confirmed: the call does not count as notification; call again and have "
        "the caregiver read back " +
        named);
  }
  const core::Instant called_at = command.called_at.value_or(now);
  if (called_at > now) {
    return invalid_argument("call time " + core::format_instant(called_at) +
                            " is in the future (now " + core::format_instant(now) + ")");
  }

  core::CriticalCall call;
  call.result_id = result.id;
  call.result_revision = result.revision;
  call.called_to = called_to;
  call.called_by = trimmed(command.called_by);
  if (call.called_by.empty()) call.called_by = actor.username;
  call.called_at = called_at;
  call.read_back_confirmed = true;
  call.notes = trimmed(command.notes);
  call.documented_at = now;
  call.documented_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(call, tx.insert_critical_call(call));

  audit::Change change;
  change.action = "critical_call.document";
  change.entity_type = "critical_call";
  change.entity_key = result_key(at.specimen.accession_number, result.test_code);
  change.patient_mrn = at.patient.mrn;
  change.accession_number = at.specimen.accession_number;
  change.test_code = result.test_code;
  change.after = audit_image(call);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return call;
}

}  // namespace aliquot::lab
