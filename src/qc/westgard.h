#pragma once

// The Westgard multirule engine: judges each QC run by the control rules configured for the
// analyte, and says which rules fired on which values. Pure: the caller passes the runs.
//
// A run is the control values of one analyte on one instrument measured together, one value per
// control level. Each value is read as z = (value - mean) / SD against the target of its level
// and lot. The rules look at the values in three ways (qc.md; Westgard 1981):
//   - within the run, across its levels (1-3s, 2-2s, R-4s, 2of3-2s, 3-1s, ...);
//   - across runs, one level at a time (2-2s, 4-1s, 10-x, ...);
//   - across runs and levels together, the values in the order measured: run by run, and within
//     a run in level order (4-1s over 2 levels x 2 runs, 10-x over 2 levels x 5 runs, ...).
// R-4s is within one run only, never across runs.
//
// A run is judged on the values that include at least one of its own: a pattern made only of
// earlier runs was judged when they were. Earlier runs count whatever their own verdict was, so
// a shift that persists keeps rejecting run after run; the lab restarts the history after it has
// corrected the cause (the caller passes only the runs since then).
//
// Every configured rule is applied to every run. In manual practice 1-2s is the warning that
// sends the technologist to inspect the run with the other rules; a program inspects every run,
// so 1-2s only ever adds a warning.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "qc/control_rule.h"

namespace aliquot::qc {

struct ControlValue {
  std::string level;  // the control level as the lab names it: "1", "2", "high"
  double value = 0;
  double mean = 0;  // the target of the level and lot
  double sd = 0;
};

struct ControlRun {
  std::string id;                    // as the lab names the run
  std::vector<ControlValue> values;  // in level order, at most one per level
};

enum class RunStatus { kAccept, kWarning, kReject };
std::string_view status_name(RunStatus status);  // "accept", "warning", "reject"

enum class RuleScope {
  kWithinRun,            // the values of the run judged, across its levels
  kAcrossRuns,           // one level's values in consecutive runs
  kAcrossRunsAndLevels,  // every level's values in consecutive runs, in the order measured
};
std::string_view scope_name(RuleScope scope);  // "within run", "across runs", ...

// A value that took part in a violation.
struct InvolvedValue {
  std::size_t run = 0;  // index in the runs given
  std::string run_id;
  std::string level;
  double value = 0;
  double z = 0;
};

struct Violation {
  ControlRule rule;
  RuleAction action;
  RuleScope scope;
  std::vector<InvolvedValue> values;  // in the order measured
  std::vector<std::string> levels;    // of those values, each once, in the order measured
  std::vector<std::string> runs;      // of those values, each once, in the order measured
};

struct RunEvaluation {
  std::string run;
  RunStatus status = RunStatus::kAccept;
  std::vector<Violation> violations;  // in the order of the rules configured
};

// InvalidArgument when a run is not fit to judge: no values, a level twice, an SD that is not a
// positive number, a value or mean that is not finite. The message names the run and level.
Result<void> check_run(const ControlRun& run);

// Judges the last of `runs`; the others are the earlier runs of the same analyte, instrument and
// control lot(s), oldest first (only the last runs_needed(rules) can matter). Every run must pass
// check_run.
RunEvaluation evaluate_last_run(std::span<const ControlRun> runs,
                                std::span<const ControlRule> rules);

// Judges every run in turn, each against the runs before it. The first run that fails
// check_run is the error.
Result<std::vector<RunEvaluation>> evaluate_runs(std::span<const ControlRun> runs,
                                                 std::span<const ControlRule> rules);

// How many runs, the one judged included, the rules can look at: the most values any of them
// needs (12 for 12-x, which may need 11 earlier runs of one level).
std::size_t runs_needed(std::span<const ControlRule> rules);

}  // namespace aliquot::qc
