#include "lab/reruns.h"

#include <algorithm>
#include <utility>

#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

constexpr int kMaxDilution = 10000;

// Why the located result cannot be measured again now; ok when it can.
Result<void> check_rerunnable(const LocatedResult& at) {
  if (at.specimen.status != core::SpecimenStatus::kReceived) {
    return failed_precondition("specimen " + at.specimen.accession_number + " is " +
                               std::string(core::to_code(at.specimen.status)) +
                               ", not received: it cannot be measured again");
  }
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  if (core::is_released(at.result.status)) {
    return failed_precondition(result_name(at) +
                               " is already released; measure it again and correct it instead");
  }
  if (!at.result.value) {
    return failed_precondition(result_name(at) +
                               " has no value yet: there is nothing to measure again");
  }
  return ok();
}

}  // namespace

const core::HoldReason* rerun_request(const std::vector<core::HoldReason>& holds) {
  const auto found = std::find_if(holds.begin(), holds.end(), [](const core::HoldReason& hold) {
    return hold.category == kRerunHold;
  });
  return found == holds.end() ? nullptr : &*found;
}

Result<core::HoldReason> request_rerun(store::Transaction& tx, const Context& ctx,
                                       const RequestRerun& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kEnterResult));
  const core::Instant now = ctx.clock.now();
  const std::string reason = trimmed(command.reason);
  if (reason.empty()) {
    return invalid_argument("a rerun of " + command.test_code + " on " + command.accession_number +
                            " needs a reason");
  }
  if (command.dilution != 0 && (command.dilution < 2 || command.dilution > kMaxDilution)) {
    return invalid_argument("dilution 1:" + std::to_string(command.dilution) +
                            " is not a dilution: give N from 2 to " + std::to_string(kMaxDilution) +
                            " for 1:N");
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      LocatedResult at,
      locate_result(tx, command.accession_number, canonical_test_code(ctx, command.test_code)));
  ALIQUOT_RETURN_IF_ERROR(check_rerunnable(at));

  const std::string first_value = describe_value(*at.result.value, at.result.flag);
  const std::string dilution =
      command.dilution == 0 ? "" : " on a 1:" + std::to_string(command.dilution) + " dilution";
  core::HoldReason request;
  request.category = std::string(kRerunHold);
  request.action = command.dilution == 0 ? "rerun" : "rerun-diluted";
  request.rule = "rerun requested by " + actor.username;
  request.observed = "first run " + first_value;
  request.threshold = "a repeat measurement" + dilution;
  request.message = "rerun" + dilution + " requested by " + actor.username + ": " + reason +
                    "; not released until the repeat is recorded";

  // The request joins the reasons the value is held for, in place of an earlier request.
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::HoldReason> holds, tx.holds_for_result(at.result.id));
  std::erase_if(holds, [](const core::HoldReason& hold) { return hold.category == kRerunHold; });
  holds.push_back(request);
  ALIQUOT_RETURN_IF_ERROR(tx.replace_result_holds(at.result.id, holds));

  audit::Change change = result_change("result.rerun", at);
  change.before = audit_image(at.result);
  change.after = change.before;
  change.reason = "rerun" + dilution + " of " + first_value + ": " + reason;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return request;
}

}  // namespace aliquot::lab
