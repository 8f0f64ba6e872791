// cancel_order and cancel_test (lab/use_cases.h).

#include <map>
#include <utility>

#include "lab/calculated_results.h"
#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {
namespace {

// Marks `result` cancelled by `actor` at `now` for `reason`, stores it and records `change` (the
// result.cancel entry, keyed by the caller) with the images before and after.
Result<void> cancel_and_record(store::Transaction& tx, core::TestResult& result,
                               const std::string& actor, core::Instant now,
                               const std::string& reason, audit::Change change) {
  change.before = audit_image(result);
  result.status = core::ResultStatus::kCancelled;
  result.cancelled_at = now;
  result.cancelled_by = actor;
  result.cancel_reason = reason;
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
  change.after = audit_image(result);
  change.reason = reason;
  return record_change(tx, actor, now, change);
}

}  // namespace

Result<CancelledOrder> cancel_order(store::Transaction& tx, const Context& ctx,
                                    const CancelOrder& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kCancelOrder));
  const core::Instant now = ctx.clock.now();
  const std::string order_number = trimmed(command.order_number);
  const std::string reason = trimmed(command.reason);
  if (reason.empty()) {
    return invalid_argument("cancelling order '" + order_number + "' needs a reason");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_number(tx, order_number));
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results, tx.results_for_order(order.id));

  CancelledOrder outcome;
  outcome.order = order;
  std::vector<core::TestResult*> to_cancel;
  for (core::TestResult& result : results) {
    if (core::is_released(result.status)) {
      outcome.released.push_back(result);
    } else if (result.status != core::ResultStatus::kCancelled) {
      to_cancel.push_back(&result);
    }
  }
  if (to_cancel.empty()) return outcome;  // nothing left to cancel: no change, no audit entry

  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Specimen> specimens,
                           tx.specimens_for_order(order.id));
  std::map<std::int64_t, std::string> accession_of;
  for (const core::Specimen& specimen : specimens) {
    accession_of[specimen.id] = specimen.accession_number;
  }

  nlohmann::json cancelled_codes = nlohmann::json::array();
  for (const core::TestResult* result : to_cancel) cancelled_codes.push_back(result->test_code);
  nlohmann::json released_codes = nlohmann::json::array();
  for (const core::TestResult& result : outcome.released) {
    released_codes.push_back(result.test_code);
  }
  audit::Change order_change;
  order_change.action = "order.cancel";
  order_change.entity_type = "order";
  order_change.entity_key = order.order_number;
  order_change.patient_mrn = patient.mrn;
  order_change.after = to_compact_text(nlohmann::json{{"order_number", order.order_number},
                                                      {"cancelled", cancelled_codes},
                                                      {"released", released_codes}});
  order_change.reason = reason;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, order_change));

  for (core::TestResult* result : to_cancel) {
    // Named by its specimen once it has one, else by its order (lab/use_cases.h).
    const auto accession = accession_of.find(result->specimen_id);
    const bool on_specimen = result->specimen_id != 0 && accession != accession_of.end();
    audit::Change change;
    change.action = "result.cancel";
    change.entity_type = "result";
    change.entity_key =
        result_key(on_specimen ? accession->second : order.order_number, result->test_code);
    change.patient_mrn = patient.mrn;
    if (on_specimen) change.accession_number = accession->second;
    change.test_code = result->test_code;
    ALIQUOT_RETURN_IF_ERROR(
        cancel_and_record(tx, *result, actor.username, now, reason, std::move(change)));
    outcome.cancelled.push_back(*result);
  }
  return outcome;
}

Result<CancelledTest> cancel_test(store::Transaction& tx, const Context& ctx,
                                  const CancelTest& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kCancelOrder));
  const core::Instant now = ctx.clock.now();
  const std::string reason = trimmed(command.reason);
  ALIQUOT_ASSIGN_OR_RETURN(
      LocatedResult at,
      locate_result(tx, command.accession_number, canonical_test_code(ctx, command.test_code)));
  core::TestResult& result = at.result;
  const std::string named = "test " + result.test_code + " on " + at.specimen.accession_number;
  if (reason.empty()) return invalid_argument("cancelling " + named + " needs a reason");
  if (result.status == core::ResultStatus::kCancelled) {
    return failed_precondition(named + " is already cancelled (" + result.cancel_reason + ")");
  }
  if (core::is_released(result.status)) {
    return failed_precondition(named +
                               " is released: a released result is retracted by correcting it, "
                               "not by cancelling it");
  }
  ALIQUOT_RETURN_IF_ERROR(cancel_and_record(tx, result, actor.username, now, reason,
                                            result_change("result.cancel", at)));
  CancelledTest outcome{result, {}};

  // The calculated tests that needed it can no longer be computed; those for which it was
  // optional are computed without it.
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> on_order,
                           tx.results_for_order(at.order.id));
  for (const core::TestResult* needing :
       calculated_results_requiring(ctx, on_order, result.test_code)) {
    LocatedResult dependent = at;
    dependent.result = *needing;
    if (needing->specimen_id != at.specimen.id) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                               tx.find_specimen(needing->specimen_id));
      if (!specimen) continue;  // not yet on a specimen: cancelled with its order, if ever
      dependent.specimen = *specimen;
    }
    const std::string why = needing->test_code + " cannot be calculated: its input " +
                            result.test_code + " was cancelled (" + reason + ")";
    ALIQUOT_RETURN_IF_ERROR(cancel_and_record(tx, dependent.result, actor.username, now, why,
                                              result_change("result.cancel", dependent)));
    outcome.calculated.push_back(dependent.result);
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> recalculated,
                           update_calculated_results(tx, ctx, actor, now, at.order, at.patient,
                                                     InputChange{{result.test_code}, ""}));
  for (core::TestResult& calculated : recalculated) {
    outcome.calculated.push_back(std::move(calculated));
  }
  return outcome;
}

}  // namespace aliquot::lab
