#pragma once

// Autoverification inside the use cases: gathers what the rules engine needs from the store
// (the patient's previous results, the QC gate's answer) and turns its decisions into the hold
// reasons stored with a result (rules/autoverification.h is the engine; lab/use_cases.h says
// when it runs).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "rules/autoverification.h"
#include "store/store.h"

namespace aliquot::lab {

// Who released a result that autoverified (TestResult::released_by).
inline constexpr std::string_view kAutoverifier = "autoverification";

struct ValueToJudge {
  const core::TestDefinition* test = nullptr;
  const core::ResultValue* value = nullptr;
  std::span<const std::string> flags;
};

struct SpecimenReading {
  std::string_view instrument;  // the account or instrument that measured; "" for a person
  rules::SerumIndices indices;
  core::Instant measured_at{};
};

struct Judgement {
  std::vector<rules::Decision> decisions;
  // The patient's previous released result of each value's test, read for the tests whose
  // rules compare with it (delta checks, reflex on a drop).
  std::vector<std::optional<rules::PreviousResult>> previous;
};

// Judges the values of one specimen together with ctx.rules, which must be set. decisions[i] and
// previous[i] are for values[i].
Result<Judgement> judge_values(store::Transaction& tx, const Context& ctx,
                               const core::Patient& patient, const core::Specimen& specimen,
                               const SpecimenReading& reading,
                               std::span<const ValueToJudge> values);

// The decision's reasons as stored with the result.
std::vector<core::HoldReason> hold_reasons(const rules::Decision& decision);

// "held: <message>; <message>": the reasons in one line, for the audit trail.
std::string held_summary(const std::vector<core::HoldReason>& holds);

}  // namespace aliquot::lab
