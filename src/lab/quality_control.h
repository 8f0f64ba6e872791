#pragma once

// Quality control in the lab: control materials and their targets, QC runs recorded by hand or
// from an instrument, judged by the Westgard rules of the lab's QC policy (qc/qc_policy.h,
// qc/westgard.h), and the gate that holds patient results when QC fails.
//
// The gate (qc_finding, which autoverification asks for every value an instrument reports):
// an analyte on an instrument is monitored once the lab has entered a target for it. Then a
// value is held when
//   - the last QC run measured before it was rejected ("QC rejected at ...: 1-3s level 2"),
//   - no accepted run precedes it at all, or the last accepted one is older than the policy's
//     interval ("QC not run since ..."),
//   - a calibration of the instrument (for that analyte or all) is overdue at the time it was
//     measured (lab/instrument_tasks.h).
// A rejected run also looks back: every result of that analyte on that instrument measured after
// the last accepted run and not released is held (QcHold, with the run's reason added to its
// hold reasons); results already released are listed for review (QcHold.was_released), since
// they went out before the failure was known.
//
// After a rejection: the technologist documents the corrective action on the run
// (document_corrective_action), reruns QC (record_qc_run), and then, per the policy's
// after_rejection, either the held results are measured again (a new value posted after an
// accepted run replaces the hold) or a technologist releases them (release_qc_held_results).
// release_result refuses a result with an open QC hold.
//
// Audit actions: qc.material.add, qc.target.set, qc.sample_id.set, qc.run.record, result.qc_hold,
// qc.run.correct, result.qc_release, result.qc_review. Entities are named "LOT/LEVEL" (materials),
// "INSTRUMENT/TEST" (targets and runs: "cobas-c311/GLU run 12").

#include <optional>
#include <string>
#include <vector>

#include "core/qc_records.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "qc/westgard.h"
#include "rules/autoverification.h"
#include "store/store.h"

namespace aliquot::lab {

struct AddQcMaterial {
  std::string product;
  std::string manufacturer;
  std::string lot;
  std::string level;
  core::Date expires_on{};
};
// AlreadyExists for a lot and level the lab has; InvalidArgument without product, lot or level.
// A material past its expiry may be added (to keep its history) but no run may use it.
Result<core::QcMaterial> add_qc_material(store::Transaction& tx, const Context& ctx,
                                         const AddQcMaterial& command);

// A control material named by lot and level, or by the sample id an instrument reports it under.
struct MaterialRef {
  std::string lot;
  std::string level;
  std::string sample_id;  // with the instrument of the command; instead of lot and level
};

struct SetQcTarget {
  MaterialRef material;
  std::string instrument;
  std::string test_code;
  double mean = 0;
  double sd = 0;
  std::optional<core::Instant> effective_from;  // defaults to now
};
// The target from the package insert. InvalidArgument for an SD that is not positive or a mean
// that is not finite; NotFound for an unknown material or test.
Result<core::QcTarget> set_qc_target(store::Transaction& tx, const Context& ctx,
                                     const SetQcTarget& command);

struct EstablishQcTarget {
  MaterialRef material;
  std::string instrument;
  std::string test_code;
  core::Instant from{};  // the values measured in [from, to)
  core::Instant to{};
  bool keep_insert_mean = false;  // the insert's mean (the target in force) with the lab's SD
};
// Mean and SD of the lab's own values of the material (CLSI C24), from runs that were not
// rejected, effective from now. FailedPrecondition with fewer values than the policy's
// establish_minimum ("14 values; at least 20 are needed"), or with keep_insert_mean and no
// target in force to take the mean from.
Result<core::QcTarget> establish_qc_target(store::Transaction& tx, const Context& ctx,
                                           const EstablishQcTarget& command);

struct SetQcSampleId {
  std::string instrument;
  std::string sample_id;
  std::string lot;
  std::string level;
};
Result<void> set_qc_sample_id(store::Transaction& tx, const Context& ctx,
                              const SetQcSampleId& command);

struct QcValueInput {
  MaterialRef material;
  std::string value;  // as read or entered: "5.42"
  std::string label;  // where it came from, for refusals: "level 2", "R record 3"
};

struct RecordQcRun {
  std::string instrument;
  std::string test_code;
  std::vector<QcValueInput> values;          // one per material (level)
  std::optional<core::Instant> measured_at;  // defaults to now
  std::string source;                        // "manual", or the instrument and message
};

struct RecordedQcRun {
  core::QcRun run;
  qc::RunEvaluation evaluation;
  std::vector<core::TestResult> held;      // patient results this rejection put on hold
  std::vector<core::TestResult> released;  // released since the last accepted run: to review
};

// Records the run and judges it with the policy's rules for the analyte, against the runs of
// the analyte on the instrument since the last documented corrective action (the history
// restarts there). Everything is checked first, every problem named on its own line with its
// label: unknown material, material expired at the measuring time, no target in force, a value
// that is not a number, a level twice. A rejected run holds results as described above.
// Permission: technicians and above, and instrument interfaces.
Result<RecordedQcRun> record_qc_run(store::Transaction& tx, const Context& ctx,
                                    const RecordQcRun& command);

struct DocumentCorrectiveAction {
  std::int64_t run_id = 0;
  std::string action;  // what was found and done: "reagent lot changed, recalibrated"
};
// FailedPrecondition for a run that was not rejected or already has its corrective action;
// InvalidArgument without an action.
Result<core::QcRun> document_corrective_action(store::Transaction& tx, const Context& ctx,
                                               const DocumentCorrectiveAction& command);

struct ReleaseQcHeld {
  std::int64_t run_id = 0;
};

struct ReleasedQcHeld {
  std::vector<core::TestResult> released;  // released now
  // Results whose QC hold was lifted but that stay preliminary for their other hold reasons,
  // or because they are critical and the call is not documented yet.
  std::vector<core::TestResult> still_held;
  int reviewed = 0;  // released-before results acknowledged as reviewed
};
// Lifts the holds of a rejected run, when the policy for the analyte is "release", the
// corrective action is documented and an accepted run follows it: each held result loses the
// run's hold reason and, with no other reason left, is released as release_result would
// (critical calls included). FailedPrecondition naming what is missing otherwise ("policy for
// GLU is rerun: measure the held results again"). Technologists and above.
Result<ReleasedQcHeld> release_qc_held_results(store::Transaction& tx, const Context& ctx,
                                               const ReleaseQcHeld& command);

struct ReviewQcReleased {
  std::int64_t run_id = 0;
  std::string note;  // what the review found: "values consistent with the patients' history"
};
// Records that the technologist reviewed the results a rejected run found already released
// (QcHold.was_released), whatever the policy: each such hold is resolved "reviewed", audited as
// result.qc_review. A released value found wrong is corrected with correct_result, which
// reports the correction. FailedPrecondition before the corrective action is documented and a
// run has passed again, or when nothing is waiting for review. Technologists and above. The
// number of results reviewed.
Result<int> review_qc_released_results(store::Transaction& tx, const Context& ctx,
                                       const ReviewQcReleased& command);

// What the gate says for a value of `test_code` measured on `instrument` at `measured_at`.
struct QcFinding {
  rules::QcState state = rules::QcState::kNotMonitored;
  std::string detail;  // why, when not acceptable: "QC rejected at 2026-11-22 08:14 (1-3s ...)"
  // The rejected run the value falls under, when that is why it fails (rejected_run_covering);
  // 0 otherwise.
  std::int64_t rejected_run_id = 0;
};
Result<QcFinding> qc_finding(store::Transaction& tx, const Context& ctx,
                             std::string_view instrument, std::string_view test_code,
                             core::Instant measured_at);

// --- for the result use cases (lab/results.cc) ---

// The rejected run a value of `test_code` measured on `instrument` at `measured_at` falls under:
// the last run measured at or before it, when that was rejected; else the first run measured
// after it, when that was rejected (the value lies in that run's look-back, which it may have
// missed by arriving late). std::nullopt otherwise.
Result<std::optional<core::QcRun>> rejected_run_covering(store::Transaction& tx,
                                                         std::string_view instrument,
                                                         std::string_view test_code,
                                                         core::Instant measured_at);

// The last run of the rejected `run`'s instrument and analyte measured at or before `up_to` that
// was accepted (or only warned), when it was measured after `run`: QC passed again since.
// std::nullopt when none was.
Result<std::optional<core::QcRun>> qc_passed_after(store::Transaction& tx, const core::QcRun& run,
                                                   core::Instant up_to);

// The hold reason a rejected run gives the results it holds: category "quality-control", action
// "check-instrument", rule "GLU QC run 12", observed "QC rejected at <time> (1-3s level 2)".
core::HoldReason qc_hold_reason(const core::QcRun& run);
// Whether `hold` is qc_hold_reason(run).
bool is_qc_hold_reason_of(const core::HoldReason& hold, const core::QcRun& run);

// "QC run 12 of GLU on cobas-c311, rejected at <time> (1-3s level 2)": a rejected run in
// messages.
std::string describe_rejected_run(const core::QcRun& run);

}  // namespace aliquot::lab
