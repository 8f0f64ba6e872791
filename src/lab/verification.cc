#include "lab/verification.h"

#include <algorithm>

#include "core/text.h"
#include "lab/quality_control.h"

namespace aliquot::lab {

Result<Judgement> judge_values(store::Transaction& tx, const Context& ctx,
                               const core::Patient& patient, const core::Specimen& specimen,
                               const SpecimenReading& reading,
                               std::span<const ValueToJudge> values) {
  rules::SpecimenFacts facts;
  facts.sex = patient.sex;
  facts.age_days = core::age_in_days(patient.birth_date, specimen.collected_at);
  facts.collected_at = specimen.collected_at;
  facts.measured_at = reading.measured_at;
  facts.indices = reading.indices;

  std::vector<rules::Candidate> candidates(values.size());
  // Why QC fails for each value: the candidates view these until the rules have judged them.
  std::vector<std::string> qc_details(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    rules::Candidate& candidate = candidates[i];
    const core::TestDefinition& test = *values[i].test;
    candidate.test = &test;
    candidate.value = values[i].value;
    candidate.instrument_flags = values[i].flags;
    // Quality control of the analyte on the instrument at the time of measurement.
    ALIQUOT_ASSIGN_OR_RETURN(
        QcFinding finding, qc_finding(tx, ctx, reading.instrument, test.code, reading.measured_at));
    candidate.qc = finding.state;
    qc_details[i] = std::move(finding.detail);
    candidate.qc_detail = qc_details[i];
    // Only tests whose rules compare with the patient's history read it.
    if (values[i].value->kind != core::ResultKind::kNumeric ||
        !ctx.rules->compares_with_previous(test.code)) {
      continue;
    }
    ALIQUOT_ASSIGN_OR_RETURN(
        const std::optional<core::PreviousValue> previous,
        tx.previous_released_value(patient.id, test.code, specimen.collected_at));
    // A previous "<x" or ">x" is no number to measure a change against.
    if (previous && previous->comparator.empty()) {
      candidate.previous = rules::PreviousResult{previous->number, previous->collected_at};
    }
  }
  Judgement judgement;
  judgement.decisions.resize(values.size());
  rules::evaluate_specimen(*ctx.rules, facts, candidates, judgement.decisions);
  judgement.previous.reserve(values.size());
  for (const rules::Candidate& candidate : candidates) {
    judgement.previous.push_back(candidate.previous);
  }
  return judgement;
}

std::vector<core::HoldReason> hold_reasons(const rules::Decision& decision) {
  std::vector<core::HoldReason> holds;
  holds.reserve(decision.reasons.size());
  for (const rules::Reason& reason : decision.reasons) {
    core::HoldReason hold;
    hold.category = rules::to_code(reason.category);
    hold.action = rules::to_code(reason.action);
    hold.rule = reason.rule;
    hold.observed = reason.observed;
    hold.threshold = reason.threshold;
    hold.message = reason.message;
    hold.suppresses = decision.suppressed && reason.category == rules::Category::kSerumIndex &&
                      reason.action == rules::Action::kRecollect;
    holds.push_back(std::move(hold));
  }
  return holds;
}

std::string held_summary(const std::vector<core::HoldReason>& holds) {
  std::string summary;
  for (const core::HoldReason& hold : holds) {
    summary += (summary.empty() ? "held: " : "; ") + hold.message;
  }
  return summary;
}

}  // namespace aliquot::lab
