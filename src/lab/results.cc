// enter_result, release_result and correct_result (lab/use_cases.h).

#include <algorithm>

#include "lab/calculated_results.h"
#include "lab/outbound.h"
#include "lab/qualification_check.h"
#include "lab/quality_control.h"
#include "lab/reflex_tests.h"
#include "lab/reruns.h"
#include "lab/use_case_support.h"
#include "lab/use_cases.h"
#include "lab/verification.h"
#include "rules/flagging.h"
#include "rules/reflex.h"

namespace aliquot::lab {
namespace {

// A read-back-confirmed call documented for the result's current revision (its current value).
Result<std::optional<core::CriticalCall>> call_for_current_value(store::Transaction& tx,
                                                                 const core::TestResult& result) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::CriticalCall> calls,
                           tx.critical_calls_for_result(result.id));
  std::optional<core::CriticalCall> found;
  for (const core::CriticalCall& call : calls) {
    if (call.result_revision == result.revision && call.read_back_confirmed) found = call;
  }
  return found;
}

// Whether `posted` is the value already stored: the same value, or a value below the measuring
// range that was stored as "<limit".
bool stored_as(const core::ResultValue& stored, const core::ResultValue& posted) {
  if (core::same_value(stored, posted)) return true;
  return stored.kind == core::ResultKind::kNumeric && posted.kind == core::ResultKind::kNumeric &&
         stored.comparator == "<" && posted.comparator.empty() && posted.number < stored.number;
}

}  // namespace

namespace {

// Why a value may not be recorded on the located result now; ok when it may.
Result<void> check_enterable(const LocatedResult& at) {
  if (at.specimen.status == core::SpecimenStatus::kCollected) {
    return failed_precondition("specimen " + at.specimen.accession_number +
                               " is not received yet; receive it before entering results");
  }
  if (at.specimen.status == core::SpecimenStatus::kRejected) {
    return failed_precondition("specimen " + at.specimen.accession_number + " was rejected (" +
                               std::string(at.specimen.rejection_reason
                                               ? core::describe(*at.specimen.rejection_reason)
                                               : "no reason recorded") +
                               "); results cannot be entered on it");
  }
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  if (core::is_released(at.result.status)) {
    return failed_precondition(result_name(at) + " is already released; use correct");
  }
  return ok();
}

enum class AutoRelease { kNo, kYes };

// "rules 'aliquot default autoverification rules' version 2026.1".
std::string rules_named(const rules::RuleSet& rules) {
  return "rules '" + rules.name() + "' version " + rules.version();
}

// Where and when a value was measured: the instrument profile id ("" for a person) and the time.
struct Measurement {
  std::string_view instrument;
  core::Instant at{};
  // Who performed it (core/test_result.h performed_by): the person entering the value, or the
  // operator the device named; and on a point-of-care device, the hold their qualification or
  // the lab's review policy puts on it (lab/qualification_check.h operator_qualification_hold).
  std::string_view performed_by;
  std::optional<core::HoldReason> operator_hold;
};

// What quality control says of a value being recorded on a result.
struct QcOutcome {
  // The rejected run the value falls under: it holds the value (QcHold and hold reason).
  std::optional<core::QcRun> rejected;
  // The open QC holds of the value being replaced that stay open, with their runs.
  std::vector<core::QcRun> still_open;
  // The open QC holds the new value resolves, and why: "QC run 12 ... measured again after QC
  // run 13 passed".
  std::vector<core::QcHold> resolved;
  std::vector<std::string> resolved_why;
};

// A new value replaces the one a rejected QC run held once it was measured after QC of that
// analyte passed again, or on another instrument; until then the hold stays. A value measured
// while QC is rejected is held by that run, whether or not autoverification rules are in force.
Result<QcOutcome> judge_qc(store::Transaction& tx, const core::TestResult& result,
                           const core::TestDefinition& test, const Measurement& measured) {
  QcOutcome outcome;
  if (result.value) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> open,
                             tx.open_qc_holds_for_result(result.id));
    for (const core::QcHold& hold : open) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcRun> run, tx.find_qc_run(hold.run_id));
      if (!run) {
        return data_loss("QC run " + std::to_string(hold.run_id) + " holding result id " +
                         std::to_string(result.id) + " is missing");
      }
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcRun> passed,
                               qc_passed_after(tx, *run, measured.at));
      if (passed) {
        outcome.resolved.push_back(hold);
        outcome.resolved_why.push_back("QC hold of QC run " + std::to_string(run->id) +
                                       " resolved: measured again after QC run " +
                                       std::to_string(passed->id) + " passed at " +
                                       core::format_instant(passed->measured_at));
      } else if (!measured.instrument.empty() && measured.instrument != run->instrument) {
        outcome.resolved.push_back(hold);
        outcome.resolved_why.push_back("QC hold of QC run " + std::to_string(run->id) +
                                       " resolved: measured again on " +
                                       std::string(measured.instrument));
      } else {
        outcome.still_open.push_back(*run);
      }
    }
  }
  if (!measured.instrument.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(
        outcome.rejected, rejected_run_covering(tx, measured.instrument, test.code, measured.at));
  }
  return outcome;
}

// Records the QC holds of `outcome` on the stored `result`.
Result<void> store_qc_holds(store::Transaction& tx, const core::User& actor, core::Instant now,
                            const core::TestResult& result, QcOutcome& outcome) {
  for (core::QcHold& hold : outcome.resolved) {
    hold.resolved_at = now;
    hold.resolved_by = actor.username;
    hold.resolution = "rerun";
    ALIQUOT_RETURN_IF_ERROR(tx.update_qc_hold(hold));
  }
  if (!outcome.rejected) return ok();
  const std::int64_t run_id = outcome.rejected->id;
  if (std::any_of(outcome.still_open.begin(), outcome.still_open.end(),
                  [&](const core::QcRun& run) { return run.id == run_id; })) {
    return ok();  // already held by that run
  }
  core::QcHold hold;
  hold.run_id = run_id;
  hold.result_id = result.id;
  Result<void> inserted = tx.insert_qc_hold(hold);
  if (inserted.has_value()) return ok();
  if (inserted.error().code() != ErrorCode::kAlreadyExists) return inserted;
  // Held by that run before and resolved since: it holds the new value again.
  return tx.update_qc_hold(hold);
}

// Whether an equal value posted for `stored` is a new measurement of a value QC holds, to be
// recorded (it may resolve the hold), rather than a message sent again: only a measuring time
// stated and different from the stored one tells them apart.
Result<bool> measured_again_under_qc_hold(store::Transaction& tx, const core::TestResult& stored,
                                          const std::optional<core::Instant>& measured_at) {
  if (!measured_at || stored.measured_at == measured_at) return false;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> open,
                           tx.open_qc_holds_for_result(stored.id));
  return !open.empty();
}

// Records `value` on the located result with its audit entry; `source`, when set, names the
// instrument or interface it came from in the audit reason. With a `decision` the value is
// stored as the rules report it, its hold reasons replace the result's, and — when it
// autoverified and `auto_release` allows — the result is released by autoverification and its
// report queued; otherwise the result is preliminary. Quality control holds it, with or without
// a decision, when a rejected run covers the time it was `measured` (judge_qc).
Result<core::TestResult> record_value(store::Transaction& tx, const Context& ctx,
                                      const core::User& actor, core::Instant now,
                                      const core::TestDefinition& test,
                                      const core::ResultValue& value, LocatedResult& at,
                                      const std::string& source, const Measurement& measured,
                                      const rules::Decision* decision, AutoRelease auto_release) {
  const core::ResultValue& stored =
      (decision != nullptr && decision->reported_as) ? *decision->reported_as : value;
  const rules::Flagging flagging = flag_for_patient(test, stored, at, source);
  ALIQUOT_ASSIGN_OR_RETURN(QcOutcome qc, judge_qc(tx, at.result, test, measured));
  const bool qc_holds = qc.rejected.has_value() || !qc.still_open.empty();
  const bool release = decision != nullptr && decision->autoverify &&
                       auto_release == AutoRelease::kYes && !qc_holds && !measured.operator_hold;
  std::vector<core::HoldReason> holds;
  if (decision != nullptr && !release) holds = hold_reasons(*decision);
  if (measured.operator_hold) holds.push_back(*measured.operator_hold);
  if (qc.rejected) {
    // The run's own reason, which release_qc_held_results lifts, stands for the rules' QC reason.
    std::erase_if(holds, [](const core::HoldReason& hold) {
      return hold.category == rules::to_code(rules::Category::kQualityControl);
    });
    holds.push_back(qc_hold_reason(*qc.rejected));
  }
  for (const core::QcRun& run : qc.still_open) {
    if (qc.rejected && qc.rejected->id == run.id) continue;
    holds.push_back(qc_hold_reason(run));
  }

  // A value already telephoned to a caregiver was communicated: keep it, and move the result to
  // a new revision so that the earlier call does not count for the new value.
  std::optional<core::CriticalCall> call;
  // The rerun this value answers, if one was asked for: the audit names the first run.
  std::optional<core::HoldReason> answered_rerun;
  if (at.result.value) {
    ALIQUOT_ASSIGN_OR_RETURN(call, call_for_current_value(tx, at.result));
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> earlier,
                             tx.holds_for_result(at.result.id));
    if (const core::HoldReason* rerun = rerun_request(earlier)) answered_rerun = *rerun;
  }

  core::TestResult& result = at.result;
  const std::string before = audit_image(result);
  const bool had_value = result.value.has_value();
  if (call) {
    core::ResultRevision called;
    called.result_id = result.id;
    called.revision = result.revision;
    called.value = *result.value;
    called.flag = result.flag;
    called.reference_range = result.reference_range;
    called.status = result.status;
    called.released_at = call->called_at;
    called.released_by = call->called_by;
    called.replaced_at = now;
    called.replaced_by = actor.username;
    called.reason = "value telephoned to " + call->called_to + " replaced by a new entry";
    ALIQUOT_RETURN_IF_ERROR(tx.insert_result_revision(called));
    ++result.revision;
  }
  result.value = stored;
  result.flag = flagging.flag;
  result.reference_range = flagging.reference_range;
  result.status = core::ResultStatus::kPreliminary;
  result.entered_at = now;
  result.entered_by = actor.username;
  result.measured_at = measured.at;
  result.instrument = std::string(measured.instrument);
  result.performed_by = std::string(measured.performed_by);
  if (release) {
    result.status = core::ResultStatus::kFinal;
    result.released_at = now;
    result.released_by = std::string(kAutoverifier);
  }
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
  // A first value has no holds to replace; a new value's holds replace those of the last one.
  if (had_value || !holds.empty()) {
    ALIQUOT_RETURN_IF_ERROR(tx.replace_result_holds(result.id, holds));
  }
  ALIQUOT_RETURN_IF_ERROR(store_qc_holds(tx, actor, now, result, qc));

  audit::Change change = result_change(release ? "result.autoverify" : "result.enter", at);
  change.before = before;
  change.after = audit_image(result);
  const auto add_reason = [&](const std::string& part) {
    change.reason += (change.reason.empty() ? "" : "; ") + part;
  };
  if (!source.empty()) add_reason("reported by " + source);
  if (!measured.performed_by.empty() && measured.performed_by != actor.username) {
    add_reason("performed by operator " + std::string(measured.performed_by));
  }
  if (call) add_reason("replaces the value telephoned to " + call->called_to);
  if (answered_rerun) {
    add_reason("repeat of the " + answered_rerun->observed + " (" + answered_rerun->rule + ")");
  }
  if (&stored != &value) {
    add_reason("measured " + core::format_reported(value) + ", reported as " +
               core::format_reported(stored) + " (below the measuring range)");
  }
  for (const std::string& why : qc.resolved_why) add_reason(why);
  if (release) add_reason("autoverified by " + rules_named(*ctx.rules));
  if (!holds.empty()) add_reason(held_summary(holds));
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  if (release) {
    ALIQUOT_RETURN_IF_ERROR(queue_result_report(
        tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
  }
  return result;
}

// Adds the tests the reflex rules ask for after `recorded` was stored with `decision`.
Result<void> run_reflexes(store::Transaction& tx, const Context& ctx, const core::User& actor,
                          core::Instant now, const core::TestDefinition& test,
                          const LocatedResult& recorded, const rules::Decision& decision,
                          const std::optional<rules::PreviousResult>& previous,
                          std::vector<core::TestResult>& added) {
  if (ctx.rules == nullptr || !recorded.result.value) return ok();
  for (const rules::ReflexRule* rule :
       rules::fired_reflexes(*ctx.rules, test, *recorded.result.value, recorded.result.flag,
                             previous, recorded.specimen.collected_at, &decision)) {
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> more,
                             add_reflex_tests(tx, ctx, actor, now, recorded, *rule));
    for (core::TestResult& result : more) added.push_back(std::move(result));
  }
  return ok();
}

}  // namespace

Result<core::TestResult> enter_result(store::Transaction& tx, const Context& ctx,
                                      const EnterResult& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kEnterResult));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const core::TestDefinition* test, catalog_test(ctx, command.test_code));
  ALIQUOT_RETURN_IF_ERROR(refuse_calculated_entry(*test));
  ALIQUOT_ASSIGN_OR_RETURN(LocatedResult at,
                           locate_result(tx, command.accession_number, test->code));
  ALIQUOT_RETURN_IF_ERROR(check_enterable(at));
  ALIQUOT_ASSIGN_OR_RETURN(const core::ResultValue value,
                           rules::parse_result_value(*test, command.value, command.unit));
  core::TestResult result;
  if (ctx.rules == nullptr) {
    ALIQUOT_ASSIGN_OR_RETURN(
        result, record_value(tx, ctx, actor, now, *test, value, at, "",
                             Measurement{"", now, actor.username, std::nullopt}, nullptr,
                             AutoRelease::kNo));
  } else {
    const ValueToJudge judged[] = {{test, &value, {}}};
    ALIQUOT_ASSIGN_OR_RETURN(
        const Judgement judgement,
        judge_values(tx, ctx, at.patient, at.specimen, SpecimenReading{"", {}, now}, judged));
    ALIQUOT_ASSIGN_OR_RETURN(result,
                             record_value(tx, ctx, actor, now, *test, value, at, "",
                                          Measurement{"", now, actor.username, std::nullopt},
                                          &judgement.decisions[0], AutoRelease::kNo));
    std::vector<core::TestResult> added;
    ALIQUOT_RETURN_IF_ERROR(run_reflexes(tx, ctx, actor, now, *test, at, judgement.decisions[0],
                                         judgement.previous[0], added));
  }
  ALIQUOT_RETURN_IF_ERROR(update_calculated_results(tx, ctx, actor, now, at.order, at.patient,
                                                    InputChange{{test->code}, ""}));
  return result;
}

Result<PostedResults> post_results(store::Transaction& tx, const Context& ctx,
                                   const PostResults& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kEnterResult));
  const core::Instant now = ctx.clock.now();
  if (command.values.empty()) {
    return invalid_argument("no results to post for specimen " + command.accession_number);
  }
  // The specimen, its order and patient are read once for all of its values.
  ALIQUOT_ASSIGN_OR_RETURN(const core::Specimen specimen,
                           specimen_by_accession(tx, command.accession_number));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, order_by_id(tx, specimen.order_id));
  ALIQUOT_ASSIGN_OR_RETURN(const core::Patient patient, patient_by_id(tx, order.patient_id));
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> on_specimen,
                           tx.results_for_specimen(specimen.id));

  // Everything is checked before the first write, and every problem is named at once: an
  // instrument message is applied whole or not at all.
  struct Planned {
    const core::TestDefinition* test = nullptr;
    core::ResultValue value;
    LocatedResult at;
    bool unchanged = false;
    std::span<const std::string> flags;
    std::string_view operator_id;
  };
  std::vector<Planned> plan;
  std::vector<std::string> problems;
  bool only_not_ordered = true;  // decides NotFound over FailedPrecondition
  for (std::size_t i = 0; i < command.values.size(); ++i) {
    const PostedValue& posted = command.values[i];
    const std::string where =
        posted.label.empty() ? "value " + std::to_string(i + 1) : posted.label;
    Result<const core::TestDefinition*> test = catalog_test(ctx, posted.test_code);
    if (!test.has_value()) {
      problems.push_back(where + ": " + test.error().message());
      only_not_ordered = false;
      continue;
    }
    if (Result<void> reportable = refuse_calculated_entry(**test); !reportable.has_value()) {
      problems.push_back(where + ": " + reportable.error().message());
      only_not_ordered = false;
      continue;
    }
    const core::TestResult* found = nullptr;
    for (const core::TestResult& result : on_specimen) {
      if (result.test_code != (*test)->code) continue;
      // A live result wins over a cancelled one of the same test.
      if (found == nullptr || found->status == core::ResultStatus::kCancelled) found = &result;
    }
    if (found == nullptr) {
      problems.push_back(where + ": test " + (*test)->code + " is not ordered on specimen " +
                         specimen.accession_number);
      continue;
    }
    Planned step{*test, {},           LocatedResult{specimen, *found, order, patient},
                 false, posted.flags, posted.operator_id};
    // The same value from the same account again (a message re-sent after a lost
    // acknowledgement) changes nothing and is not audited twice — also when autoverification
    // has released it meanwhile.
    Result<core::ResultValue> value = rules::parse_result_value(**test, posted.value, posted.unit);
    if (value.has_value() && found->value && found->entered_by == actor.username &&
        found->status != core::ResultStatus::kCancelled && stored_as(*found->value, *value)) {
      ALIQUOT_ASSIGN_OR_RETURN(const bool remeasured,
                               measured_again_under_qc_hold(tx, *found, command.measured_at));
      // A repeat that was asked for is recorded even when it agrees with the first run.
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> found_holds,
                               tx.holds_for_result(found->id));
      if (!remeasured && rerun_request(found_holds) == nullptr) {
        step.value = *value;
        step.unchanged = true;
        plan.push_back(std::move(step));
        continue;
      }
    }
    if (Result<void> enterable = check_enterable(step.at); !enterable.has_value()) {
      problems.push_back(where + ": " + enterable.error().message());
      only_not_ordered = false;
      continue;
    }
    if (!value.has_value()) {
      problems.push_back(where + ": " + value.error().message());
      only_not_ordered = false;
      continue;
    }
    step.value = *value;
    plan.push_back(std::move(step));
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& problem : problems) {
      message += (message.empty() ? "" : "\n") + problem;
    }
    return Error(only_not_ordered ? ErrorCode::kNotFound : ErrorCode::kFailedPrecondition,
                 std::move(message));
  }

  // The values to record are judged together: a mix-up suspected on one holds them all.
  Judgement judgement;
  std::vector<std::size_t> decision_of(plan.size(), 0);
  if (ctx.rules != nullptr) {
    std::vector<ValueToJudge> judged;
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].unchanged) continue;
      decision_of[i] = judged.size();
      judged.push_back({plan[i].test, &plan[i].value, plan[i].flags});
    }
    const SpecimenReading reading{command.instrument, command.indices,
                                  command.measured_at.value_or(now)};
    ALIQUOT_ASSIGN_OR_RETURN(judgement, judge_values(tx, ctx, patient, specimen, reading, judged));
  }

  PostedResults posted;
  InputChange recorded;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Planned& step = plan[i];
    if (step.unchanged) {
      ++posted.unchanged;
      posted.results.push_back(step.at.result);
      continue;
    }
    const rules::Decision* decision =
        judgement.decisions.empty() ? nullptr : &judgement.decisions[decision_of[i]];
    Measurement measured{command.instrument, command.measured_at.value_or(now), step.operator_id,
                         std::nullopt};
    // A point-of-care operator whose qualification has lapsed, or whose results the lab has
    // reviewed, is caught as the value arrives, not at the device's next synchronisation: the
    // value waits for review.
    if (command.point_of_care) {
      ALIQUOT_ASSIGN_OR_RETURN(
          measured.operator_hold,
          operator_qualification_hold(tx, ctx, step.operator_id, step.at.result.section,
                                      command.instrument, measured.at));
    }
    ALIQUOT_ASSIGN_OR_RETURN(core::TestResult result,
                             record_value(tx, ctx, actor, now, *step.test, step.value, step.at,
                                          command.source, measured, decision, AutoRelease::kYes));
    ++posted.recorded;
    recorded.test_codes.push_back(result.test_code);
    if (core::is_released(result.status)) ++posted.autoverified;
    posted.results.push_back(std::move(result));
    if (decision != nullptr) {
      ALIQUOT_RETURN_IF_ERROR(run_reflexes(tx, ctx, actor, now, *step.test, step.at, *decision,
                                           judgement.previous[decision_of[i]], posted.reflexed));
    }
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      posted.calculated, update_calculated_results(tx, ctx, actor, now, order, patient, recorded));
  return posted;
}

Result<core::TestResult> release_result(store::Transaction& tx, const Context& ctx,
                                        const ReleaseResult& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kReleaseResult));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(
      LocatedResult at,
      locate_result(tx, command.accession_number, canonical_test_code(ctx, command.test_code)));
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  core::TestResult& result = at.result;
  if (core::is_released(result.status)) {
    return failed_precondition(result_name(at) + " is already released");
  }
  if (!result.value) {
    return failed_precondition(result_name(at) + " has no value to release");
  }
  // Only someone qualified for the test releases it, when the lab enforces qualifications.
  ALIQUOT_ASSIGN_OR_RETURN(
      const std::optional<core::QualificationException> waived,
      require_qualified_to_release(tx, ctx, actor, result, at.specimen.accession_number, now));
  // A value measured while QC of its analyte was failing cannot be trusted: patient results are
  // reported only once QC is acceptable and the corrective action is taken (CLIA 42 CFR
  // 493.1256 control procedures, 493.1282 corrective actions).
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcHold> qc_holds,
                           tx.open_qc_holds_for_result(result.id));
  if (!qc_holds.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcRun> run,
                             tx.find_qc_run(qc_holds.front().run_id));
    const std::string held_by =
        run ? describe_rejected_run(*run) : "QC run " + std::to_string(qc_holds.front().run_id);
    const std::string run_id = std::to_string(qc_holds.front().run_id);
    return failed_precondition(result_name(at) + " is held by " + held_by +
                               ": document the corrective action, rerun QC, then release the "
                               "held results (aliquot qc release-held " +
                               run_id + ") or measure the result again");
  }
  // A value the rules suppressed (a serum index beyond what the assay tolerates) is not a
  // reportable value: the specimen is recollected instead.
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                           tx.holds_for_result(result.id));
  for (const core::HoldReason& hold : holds) {
    if (!hold.suppresses) continue;
    return failed_precondition(result_name(at) + " cannot be released: " + hold.message);
  }
  // Someone doubted the value and asked for it again: the repeat decides (lab/reruns.h).
  if (const core::HoldReason* rerun = rerun_request(holds)) {
    return failed_precondition(result_name(at) + " waits for its " + rerun->message +
                               ": record the repeat value (entering a value again withdraws the "
                               "request)");
  }
  // Held because QC was not current or a calibration was overdue when it was measured: a person
  // may release it once the instrument's QC is acceptable again (QC run and accepted after the
  // value brackets it; the calibration done), never while it still is not.
  const bool held_for_quality_control =
      std::any_of(holds.begin(), holds.end(), [](const core::HoldReason& hold) {
        return hold.category == rules::to_code(rules::Category::kQualityControl);
      });
  if (held_for_quality_control && !result.instrument.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(const QcFinding now_finding,
                             qc_finding(tx, ctx, result.instrument, result.test_code, now));
    if (now_finding.state == rules::QcState::kFailing) {
      return failed_precondition(result_name(at) + " was measured on " + result.instrument +
                                 " while its quality control was not "
                                 "acceptable, and it still is not (" +
                                 now_finding.detail +
                                 "): run QC and have it accepted (and the calibration done) "
                                 "before releasing it");
    }
  }
  // The Joint Commission NPSG.02.03.01, CLSI GP47: a critical value reaches a responsible
  // caregiver, who reads it back, before it is released as a report.
  if (core::is_critical(result.flag)) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::CriticalCall> call,
                             call_for_current_value(tx, result));
    if (!call) {
      return failed_precondition("critical result " + result.test_code + " " +
                                 describe_value(*result.value, result.flag) + " on " +
                                 at.specimen.accession_number +
                                 " cannot be released before the call to a caregiver is "
                                 "documented with read-back");
    }
  }

  const std::string before = audit_image(result);
  result.status = core::ResultStatus::kFinal;
  result.released_at = now;
  result.released_by = actor.username;
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));

  audit::Change change = result_change("result.release", at);
  change.before = before;
  change.after = audit_image(result);
  if (waived) {
    change.reason = "released under qualification exception " + std::to_string(waived->id) +
                    " granted by " + waived->granted_by + " through " +
                    core::format_date(waived->until) + ": " + waived->reason;
  }
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  // The report to the configured destination is queued in this transaction (outbox).
  ALIQUOT_RETURN_IF_ERROR(
      queue_result_report(tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
  // A calculated result waiting for this one is judged again.
  ALIQUOT_RETURN_IF_ERROR(update_calculated_results(tx, ctx, actor, now, at.order, at.patient,
                                                    InputChange{{result.test_code}, ""}));
  return result;
}

Result<core::TestResult> correct_result(store::Transaction& tx, const Context& ctx,
                                        const CorrectResult& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kCorrectResult));
  const core::Instant now = ctx.clock.now();
  ALIQUOT_ASSIGN_OR_RETURN(const core::TestDefinition* test, catalog_test(ctx, command.test_code));
  ALIQUOT_RETURN_IF_ERROR(refuse_calculated_entry(*test));
  ALIQUOT_ASSIGN_OR_RETURN(LocatedResult at,
                           locate_result(tx, command.accession_number, test->code));
  core::TestResult& result = at.result;
  const std::string reason = trimmed(command.reason);
  if (reason.empty()) {
    return invalid_argument("a correction of " + result_name(at) + " needs a reason");
  }
  ALIQUOT_RETURN_IF_ERROR(refuse_cancelled(at));
  if (!core::is_released(result.status) || !result.value) {
    return failed_precondition(result_name(at) +
                               " is not released; enter the value again instead of correcting it");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const core::ResultValue value,
                           rules::parse_result_value(*test, command.value, command.unit));
  if (core::same_value(value, *result.value)) {
    return invalid_argument("the corrected value " + core::format_reported(value) + " of " +
                            result_name(at) + " equals the released value");
  }
  // A correction is typed by a person: the method is not known.
  const rules::Flagging flagging = flag_for_patient(*test, value, at, "");

  // A correction is released when recorded: a critical corrected value must already have been
  // telephoned, with read-back, and the call is recorded with it.
  std::optional<core::CriticalCall> call;
  if (flagging.critical) {
    const std::string what = "corrected value " + result.test_code + " " +
                             describe_value(value, flagging.flag) + " on " +
                             at.specimen.accession_number;
    if (!command.critical_call || trimmed(command.critical_call->called_to).empty()) {
      return failed_precondition(what +
                                 " is critical: telephone it to a caregiver and record the "
                                 "correction together with the call (called to, read-back "
                                 "confirmed)");
    }
    if (!command.critical_call->read_back_confirmed) {
      return failed_precondition(
          "read-back not confirmed: the call does not count as notification; call again and "
          "have the caregiver read back the " +
          what);
    }
    const core::Instant called_at = command.critical_call->called_at.value_or(now);
    if (called_at > now) {
      return invalid_argument("call time " + core::format_instant(called_at) +
                              " is in the future (now " + core::format_instant(now) + ")");
    }
    call.emplace();
    call->result_id = result.id;
    call->result_revision = result.revision + 1;
    call->called_to = trimmed(command.critical_call->called_to);
    call->called_by = trimmed(command.critical_call->called_by);
    if (call->called_by.empty()) call->called_by = actor.username;
    call->called_at = called_at;
    call->read_back_confirmed = true;
    call->notes = trimmed(command.critical_call->notes);
    call->documented_at = now;
    call->documented_by = actor.username;
  } else if (command.critical_call) {
    return failed_precondition("corrected value " + result.test_code + " " +
                               describe_value(value, flagging.flag) + " on " +
                               at.specimen.accession_number +
                               " is not critical; record the correction without a critical call");
  }

  ALIQUOT_RETURN_IF_ERROR(
      tx.insert_result_revision(released_revision(result, actor.username, reason, now)));

  const std::string before = audit_image(result);
  result.value = value;
  result.flag = flagging.flag;
  result.reference_range = flagging.reference_range;
  result.status = core::ResultStatus::kCorrected;
  result.corrected_at = now;
  result.corrected_by = actor.username;
  result.correction_reason = reason;
  ++result.revision;
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));

  audit::Change change = result_change("result.correct", at);
  change.before = before;
  change.after = audit_image(result);
  change.reason = reason;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));

  if (call) {
    ALIQUOT_ASSIGN_OR_RETURN(*call, tx.insert_critical_call(*call));
    audit::Change documented = result_change("critical_call.document", at);
    documented.entity_type = "critical_call";
    documented.after = audit_image(*call);
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, documented));
  }
  // The corrected report (OBX-11 C) is queued in this transaction (outbox).
  ALIQUOT_RETURN_IF_ERROR(
      queue_result_report(tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
  // The calculated results made from the corrected value are calculated again, and corrected
  // when they were released.
  ALIQUOT_RETURN_IF_ERROR(update_calculated_results(
      tx, ctx, actor, now, at.order, at.patient,
      InputChange{{result.test_code}, result.test_code + " corrected: " + reason}));
  return result;
}

}  // namespace aliquot::lab
