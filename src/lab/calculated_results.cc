// Calculated tests in the results path (lab/calculated_results.h).

#include "lab/calculated_results.h"

#include <algorithm>
#include <optional>

#include "calc/calculation_set.h"
#include "calc/catalog_links.h"
#include "core/text.h"
#include "lab/outbound.h"
#include "lab/use_case_support.h"
#include "lab/verification.h"
#include "rules/flagging.h"

namespace aliquot::lab {
namespace {

using core::equals_ignoring_case;

bool uses_any(const core::CalculatedFrom& from, const std::vector<std::string>& codes) {
  for (const core::CalculationInput& input : from.inputs) {
    for (const std::string& code : codes) {
      if (equals_ignoring_case(input.test_code, code)) return true;
    }
  }
  return false;
}

bool same_holds(const std::vector<core::HoldReason>& a, const std::vector<core::HoldReason>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const core::HoldReason& x, const core::HoldReason& y) {
                      return x.category == y.category && x.rule == y.rule &&
                             x.observed == y.observed && x.message == y.message &&
                             x.suppresses == y.suppresses;
                    });
}

// The live result of `test_code` on the order: the one not cancelled.
const core::TestResult* live_result(const std::vector<core::TestResult>& on_order,
                                    const std::string& test_code) {
  const core::TestResult* found = nullptr;
  for (const core::TestResult& result : on_order) {
    if (result.status == core::ResultStatus::kCancelled) continue;
    if (equals_ignoring_case(result.test_code, test_code)) found = &result;
  }
  return found;
}

std::string sex_text(core::AdministrativeSex sex) {
  switch (sex) {
    case core::AdministrativeSex::kFemale: return "female";
    case core::AdministrativeSex::kMale: return "male";
    case core::AdministrativeSex::kOther: return "other";
    case core::AdministrativeSex::kUnknown: return "unknown";
  }
  return "unknown";
}

// A calculated value, or why there is none, with what it was computed from.
struct Computed {
  core::ResultValue value;
  std::vector<std::string> held;  // input tests not released yet
  std::string basis;              // "egfr-ckd-epi-2021 from CREAT 1.00 mg/dL, age 50, sex F"
};

// Computes `test` from the results of its order and the patient; nullopt while an input it needs
// is not on the order or has no value yet.
std::optional<Computed> compute(const core::TestDefinition& test,
                                const calc::Calculation& calculation,
                                const std::vector<core::TestResult>& on_order,
                                const core::Patient& patient, const core::Specimen& specimen) {
  Computed computed;
  calc::InputValues values;
  std::vector<std::string> used;
  std::string not_usable;  // the first reason outside the engine not to report a value
  const auto refuse = [&](std::string reason) {
    if (not_usable.empty()) not_usable = std::move(reason);
  };
  for (const core::CalculationInput& link : test.calculated->inputs) {
    const std::optional<std::size_t> index = calculation.find_input(link.input);
    if (!index) continue;  // the catalog link check refuses such a catalog
    const calc::InputDefinition& input = calculation.inputs()[*index];
    const core::TestResult* result = live_result(on_order, link.test_code);
    if (result == nullptr) {
      // An optional input not ordered takes its default; a required one is waited for.
      if (input.requirement == calc::Requirement::kRequired) return std::nullopt;
      continue;
    }
    if (!result->value) return std::nullopt;
    const core::ResultValue& value = *result->value;
    if (!core::is_released(result->status)) computed.held.push_back(result->test_code);
    std::string shown = result->test_code + " " + core::format_reported(value);
    if (value.kind == core::ResultKind::kNumeric && !value.unit.empty() && value.unit != "1") {
      shown += " " + value.unit;
    }
    used.push_back(shown);
    if (value.kind != core::ResultKind::kNumeric) {
      refuse(result->test_code + " is '" + value.text + "', not a number");
    } else if (!value.comparator.empty()) {
      // "<0.10" is a limit, not a value: any number put in its place would be invented.
      refuse(shown + " is a limit of the measuring range, not an exact value");
    } else {
      values.set(*index, value.number);
    }
  }
  for (std::size_t index = 0; index < calculation.inputs().size(); ++index) {
    const calc::InputDefinition& input = calculation.inputs()[index];
    if (equals_ignoring_case(input.name, calc::kAgeInput)) {
      // Completed years at collection, as the equations' authors counted age.
      const int years = core::age_in_years(patient.birth_date, specimen.collected_at);
      values.set(index, years);
      used.push_back("age " + std::to_string(years));
    } else if (equals_ignoring_case(input.name, calc::kSexInput)) {
      const bool female = patient.sex == core::AdministrativeSex::kFemale;
      const bool male = patient.sex == core::AdministrativeSex::kMale;
      const std::string_view wanted = female ? "F" : male ? "M" : "";
      const auto choice = std::find(input.choices.begin(), input.choices.end(), wanted);
      if (wanted.empty() || choice == input.choices.end()) {
        refuse("the patient's sex is " + sex_text(patient.sex) + "; " + calculation.title() +
               " is defined for F or M only");
        used.push_back("sex " + std::string(core::to_code(patient.sex)));
        continue;
      }
      values.set(index, static_cast<double>(choice - input.choices.begin()));
      used.push_back("sex " + std::string(wanted));
    }
  }
  computed.basis = calculation.name() + " from " + core::join(used);
  if (!not_usable.empty()) {
    computed.value.kind = core::ResultKind::kText;
    computed.value.text = "Not calculated: " + not_usable;
    return computed;
  }
  const calc::Outcome outcome = calculation.compute(values);
  if (!outcome.reportable()) {
    computed.value.kind = core::ResultKind::kText;
    computed.value.text = "Not calculated: " + calculation.reason(outcome, values);
    return computed;
  }
  computed.value.kind = core::ResultKind::kNumeric;
  computed.value.number = outcome.value;
  computed.value.unit = test.unit;
  computed.value.decimals = test.decimals;
  return computed;
}

// The hold of a calculated result whose inputs are not all released. It suppresses: a value
// computed from results nobody has verified must not reach a report, not even by a person's
// release.
core::HoldReason waiting_hold(const core::TestDefinition& test,
                              const std::vector<std::string>& held) {
  core::HoldReason hold;
  hold.category = std::string(kCalculationHold);
  hold.action = "review";
  hold.rule = test.code + " inputs";
  hold.observed = core::join(held) + " held";
  hold.threshold = "every input released";
  hold.message = test.code + " waits for its inputs: " + core::join(held) + " " +
                 (held.size() == 1 ? "is" : "are") +
                 " not released yet; it is calculated again and judged when they are";
  hold.suppresses = true;
  return hold;
}

// A released calculated result whose value changed: corrected like any released value, the
// earlier one kept as a revision.
Result<core::TestResult> correct_calculated(store::Transaction& tx, const Context& ctx,
                                            const core::User& actor, core::Instant now,
                                            const core::TestDefinition& test, LocatedResult& at,
                                            const Computed& computed, const InputChange& changed) {
  core::TestResult& result = at.result;
  const std::string reason =
      "calculated again after " + (changed.correction.empty()
                                       ? core::join(changed.test_codes) + " changed"
                                       : changed.correction);
  ALIQUOT_RETURN_IF_ERROR(
      tx.insert_result_revision(released_revision(result, kCalculator, reason, now)));

  const std::string before = audit_image(result);
  const rules::Flagging flagging = flag_for_patient(test, computed.value, at, "");
  result.value = computed.value;
  result.flag = flagging.flag;
  result.reference_range = flagging.reference_range;
  result.status = core::ResultStatus::kCorrected;
  result.corrected_at = now;
  result.corrected_by = std::string(kCalculator);
  result.correction_reason = reason;
  ++result.revision;
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));

  audit::Change change = result_change("result.correct", at);
  change.before = before;
  change.after = audit_image(result);
  change.reason = reason + "; calculated by " + computed.basis;
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  ALIQUOT_RETURN_IF_ERROR(
      queue_result_report(tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
  return result;
}

// Stores a computed value on a result not released yet, holds it or releases it. nullopt when
// nothing changed.
Result<std::optional<core::TestResult>> store_calculated(store::Transaction& tx, const Context& ctx,
                                                         const core::User& actor, core::Instant now,
                                                         const core::TestDefinition& test,
                                                         LocatedResult& at,
                                                         const Computed& computed) {
  core::TestResult& result = at.result;
  const bool value_changed = !result.value || !core::same_value(*result.value, computed.value);
  std::vector<core::HoldReason> holds;
  bool release = false;
  if (!computed.held.empty()) {
    holds.push_back(waiting_hold(test, computed.held));
  } else if (ctx.rules != nullptr) {
    const ValueToJudge judged[] = {{&test, &computed.value, {}}};
    ALIQUOT_ASSIGN_OR_RETURN(
        const Judgement judgement,
        judge_values(tx, ctx, at.patient, at.specimen, SpecimenReading{"", {}, now}, judged));
    const rules::Decision& decision = judgement.decisions[0];
    // A value below a measuring range has no meaning for a computed result: only a clean pass
    // releases it.
    release = decision.autoverify && !decision.reported_as;
    if (!release) holds = hold_reasons(decision);
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> held_before,
                           tx.holds_for_result(result.id));
  const bool holds_changed = !same_holds(held_before, holds);
  if (!value_changed && !holds_changed && !release) return std::optional<core::TestResult>();

  const std::string before = audit_image(result);
  if (value_changed) {
    const rules::Flagging flagging = flag_for_patient(test, computed.value, at, "");
    result.value = computed.value;
    result.flag = flagging.flag;
    result.reference_range = flagging.reference_range;
    result.entered_at = now;
    result.entered_by = std::string(kCalculator);
  }
  result.status = core::ResultStatus::kPreliminary;
  ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
  if (holds_changed) ALIQUOT_RETURN_IF_ERROR(tx.replace_result_holds(result.id, holds));
  if (value_changed || !release) {
    audit::Change change = result_change("result.calculate", at);
    change.before = before;
    change.after = audit_image(result);
    change.reason =
        (value_changed ? "calculated by " : "inputs changed; calculated by ") + computed.basis;
    if (!holds.empty()) change.reason += "; " + held_summary(holds);
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  }
  if (release) {
    const std::string preliminary = audit_image(result);
    result.status = core::ResultStatus::kFinal;
    result.released_at = now;
    result.released_by = std::string(kAutoverifier);
    ALIQUOT_RETURN_IF_ERROR(tx.update_result(result));
    audit::Change change = result_change("result.autoverify", at);
    change.before = preliminary;
    change.after = audit_image(result);
    change.reason = "calculated by " + computed.basis + "; autoverified by rules '" +
                    ctx.rules->name() + "' version " + ctx.rules->version();
    ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
    ALIQUOT_RETURN_IF_ERROR(queue_result_report(
        tx, ctx, ReportedResult{at.patient, at.order, at.specimen, result}, now));
  }
  return std::optional<core::TestResult>(result);
}

}  // namespace

Result<void> refuse_calculated_entry(const core::TestDefinition& test) {
  if (!test.calculated) return ok();
  std::vector<std::string> sources;
  for (const core::CalculationInput& input : test.calculated->inputs) {
    sources.push_back(input.test_code);
  }
  return failed_precondition(test.code + " is calculated from " + core::join(sources) +
                             "; it cannot be entered");
}

Result<std::vector<core::TestResult>> update_calculated_results(
    store::Transaction& tx, const Context& ctx, const core::User& actor, core::Instant now,
    const core::Order& order, const core::Patient& patient, const InputChange& changed) {
  std::vector<core::TestResult> updated;
  if (ctx.calculations == nullptr || changed.test_codes.empty()) return updated;
  // Most values feed no calculation: nothing is read for them.
  const bool any = std::any_of(ctx.catalog.tests().begin(), ctx.catalog.tests().end(),
                               [&](const core::TestDefinition& t) {
                                 return t.calculated && uses_any(*t.calculated, changed.test_codes);
                               });
  if (!any) return updated;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> on_order,
                           tx.results_for_order(order.id));
  for (const core::TestResult& candidate : on_order) {
    if (candidate.status == core::ResultStatus::kCancelled || candidate.specimen_id == 0) continue;
    const core::TestDefinition* test = ctx.catalog.find_test(candidate.test_code);
    if (test == nullptr || !test->calculated || !uses_any(*test->calculated, changed.test_codes)) {
      continue;
    }
    const calc::Calculation* calculation = ctx.calculations->find(test->calculated->calculation);
    if (calculation == nullptr) continue;  // the catalog link check refuses such a catalog
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                             tx.find_specimen(candidate.specimen_id));
    if (!specimen || specimen->status != core::SpecimenStatus::kReceived) continue;
    const std::optional<Computed> computed =
        compute(*test, *calculation, on_order, patient, *specimen);
    if (!computed) continue;
    LocatedResult at{*specimen, candidate, order, patient};
    if (core::is_released(candidate.status)) {
      // A released value is corrected only when what the report shows changes.
      if (candidate.value && candidate.value->kind == computed->value.kind &&
          core::format_reported(*candidate.value) == core::format_reported(computed->value)) {
        continue;
      }
      ALIQUOT_ASSIGN_OR_RETURN(
          core::TestResult corrected,
          correct_calculated(tx, ctx, actor, now, *test, at, *computed, changed));
      updated.push_back(std::move(corrected));
      continue;
    }
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::TestResult> stored,
                             store_calculated(tx, ctx, actor, now, *test, at, *computed));
    if (stored) updated.push_back(std::move(*stored));
  }
  return updated;
}

std::vector<const core::TestResult*> calculated_results_requiring(
    const Context& ctx, const std::vector<core::TestResult>& on_order, std::string_view test_code) {
  std::vector<const core::TestResult*> requiring;
  if (ctx.calculations == nullptr) return requiring;
  for (const core::TestResult& candidate : on_order) {
    if (candidate.status == core::ResultStatus::kCancelled || core::is_released(candidate.status)) {
      continue;
    }
    const core::TestDefinition* test = ctx.catalog.find_test(candidate.test_code);
    if (test == nullptr || !test->calculated) continue;
    const calc::Calculation* calculation = ctx.calculations->find(test->calculated->calculation);
    if (calculation == nullptr) continue;
    for (const core::CalculationInput& link : test->calculated->inputs) {
      if (!equals_ignoring_case(link.test_code, test_code)) continue;
      const std::optional<std::size_t> index = calculation->find_input(link.input);
      if (index && calculation->inputs()[*index].requirement == calc::Requirement::kRequired) {
        requiring.push_back(&candidate);
        break;
      }
    }
  }
  return requiring;
}

}  // namespace aliquot::lab
