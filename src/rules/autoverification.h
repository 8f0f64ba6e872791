#pragma once

// Autoverification of the results of one specimen: each result either releases itself or is
// held with every reason — the rule, the observed value and the threshold — so that the
// technologist sees why (CLSI AUTO10/AUTO15). A pure engine: the caller gathers the patient's
// previous results, the instrument's flags and serum indices and the QC state, and stores the
// decision.
//
// The hot path: a result that autoverifies costs no allocation. Reasons are built only for
// results that are held.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "core/test_definition.h"
#include "core/test_result.h"
#include "core/time.h"
#include "rules/rule_set.h"

namespace aliquot::rules {

// AUTO10/AUTO15 rule categories, in the order a held result lists its reasons.
enum class Category : std::uint8_t {
  kDiscipline,         // autoverification switched off for the section
  kInstrumentFlag,     // instrument error or warning flag
  kQualityControl,     // the instrument's QC for the analyte is failing
  kSerumIndex,         // hemolysis, icterus, lipemia
  kSpecimenStability,  // measured after the specimen's stability for the test
  kAbsurdValue,        // physiologically impossible
  kMeasuringRange,     // above the analytical measuring range
  kCriticalValue,      // needs a documented call before release
  kDeltaCheck,         // change against the patient's previous result
  kMultiAnalyteDelta,  // the specimen's changes together: possibly another patient's specimen
  kContamination,      // the changes fit an IV fluid mixed into the specimen
  kConsistency,        // results that must agree with each other do not
  kReviewLimits,       // outside the lab's autoverification limits
  kAbnormalAnswer,     // a coded answer the catalog lists as abnormal
  kTextResult,         // free text: always read by a person
  kSpecimenHeld,       // another result on the same specimen suggests a mix-up
  kCalculation,        // a calculated result waits for its inputs, or cannot be calculated
};
// "discipline", "instrument-flag", "quality-control", ... as in JSON and the audit trail.
std::string_view to_code(Category category);

// What the technologist should do about a reason.
enum class Action : std::uint8_t {
  kReview,            // look, then release or not
  kRerunDiluted,      // above the measuring range
  kRecollect,         // the specimen cannot give a reportable value
  kCallCaregiver,     // critical: telephone with read-back, then release
  kInvestigateMixUp,  // check identity: draw again and compare
  kCheckInstrument,   // instrument flag or QC
};
std::string_view to_code(Action action);  // "review", "rerun-diluted", ...

struct Reason {
  Category category = Category::kDiscipline;
  Action action = Action::kReview;
  std::string rule;       // the rule as the lab wrote it: "K delta: absolute > 1.0 within 7d"
  std::string observed;   // "6.9 mmol/L (previous 4.1 mmol/L 2 d ago: +2.8)"
  std::string threshold;  // "> 1.0 mmol/L"
  std::string message;    // one sentence for people, naming the test and the values
};

// The serum indices the instrument reported for the specimen; absent when not measured.
struct SerumIndices {
  std::optional<double> hemolysis;
  std::optional<double> icterus;
  std::optional<double> lipemia;
};

// What quality control says of the instrument and analyte at the time of measurement
// (lab/quality_control.h qc_finding asks the store).
enum class QcState : std::uint8_t {
  kNotMonitored,  // the lab has no QC target for the instrument and analyte: not checked
  kAcceptable,
  // The last QC run was rejected, QC is not current, or calibration is overdue: every patient
  // result of the analyte on the instrument is held.
  kFailing,
};

// The patient's previous result for the same test, numeric only.
struct PreviousResult {
  double value = 0;
  core::Instant collected_at{};
};

// What is known about the specimen, shared by all its results.
struct SpecimenFacts {
  core::AdministrativeSex sex = core::AdministrativeSex::kUnknown;
  int age_days = 0;  // at collection
  core::Instant collected_at{};
  core::Instant measured_at{};  // when the instrument (or person) produced the results
  SerumIndices indices;
};

// One result to judge. Pointers and spans are borrowed for the call.
struct Candidate {
  const core::TestDefinition* test = nullptr;
  const core::ResultValue* value = nullptr;
  std::span<const std::string> instrument_flags;
  QcState qc = QcState::kNotMonitored;
  // Why QC is failing, for the reason shown to the technologist: "QC rejected at ... (1-3s ...)".
  std::string_view qc_detail;
  std::optional<PreviousResult> previous;
};

struct Decision {
  bool autoverify = false;
  // Set when the value is below the measuring range: it is reported as "< low" instead.
  std::optional<core::ResultValue> reported_as;
  // The value must not be reported at all (serum index above its suppress threshold, specimen
  // past stability); the result is held for a recollection.
  bool suppressed = false;
  std::vector<Reason> reasons;  // empty exactly when autoverify is true
};

// Judges every candidate of one specimen; decisions[i] is for candidates[i]. A fired
// specimen-scoped delta (mix-up) adds a kSpecimenHeld reason to every other result.
void evaluate_specimen(const RuleSet& rules, const SpecimenFacts& specimen,
                       std::span<const Candidate> candidates, std::span<Decision> decisions);

// One result alone (no specimen-scoped effects on others).
Decision evaluate_result(const RuleSet& rules, const SpecimenFacts& specimen,
                         const Candidate& candidate);

}  // namespace aliquot::rules
