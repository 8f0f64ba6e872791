#pragma once

// What the lab keeps of its quality control: the control materials it runs (one per lot and
// level), the target each is judged against on each instrument and analyte, and the QC runs with
// their values and verdicts. The Westgard engine (qc/westgard.h) judges the runs; these records
// are what it was given and what it said, kept for the Levey-Jennings charts, the monthly
// summary, and the gate that holds patient results (lab/quality_control.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace aliquot::core {

// One level of one lot of a control product, as on the vial: "Lyphochek Assayed Chemistry",
// lot 26451, level 2, expires 2027-03-31. (lot, level) is unique in the lab.
struct QcMaterial {
  std::int64_t id = 0;
  std::string product;
  std::string manufacturer;
  std::string lot;
  std::string level;  // as the lab names it: "1", "2", "3", "low", "high"
  Date expires_on{};  // the last day it may be used (the vial's, not the open-vial stability)
  Instant created_at{};
  std::string created_by;
};

// Where a target's mean and SD come from.
enum class QcTargetSource : std::uint8_t {
  kPackageInsert,    // the manufacturer's mean and SD for the instrument's method
  kEstablished,      // mean and SD of the lab's own runs (CLSI C24: 20 or more)
  kInsertMeanLabSd,  // the manufacturer's mean with the SD of the lab's own runs
};
std::string_view to_code(QcTargetSource source);  // "insert", "established", "insert-mean-lab-sd"
std::optional<QcTargetSource> qc_target_source_from_code(std::string_view code);

// The mean and SD a material's values are judged against, for one analyte on one instrument,
// from `effective_from` until a later target replaces it.
struct QcTarget {
  std::int64_t id = 0;
  std::int64_t material_id = 0;
  std::string instrument;  // the instrument profile id ("cobas-c311")
  std::string test_code;
  double mean = 0;
  double sd = 0;
  QcTargetSource source = QcTargetSource::kPackageInsert;
  int established_from = 0;  // how many of the lab's values the lab's part came from; 0 for insert
  Instant effective_from{};
  Instant entered_at{};
  std::string entered_by;
};

// One control value of a run, with the target it was judged against (copied, so that the run
// reads the same after the target changes).
struct QcRunValue {
  std::int64_t material_id = 0;
  std::string level;  // of the material, copied
  std::string lot;    // of the material, copied
  double value = 0;
  double target_mean = 0;
  double target_sd = 0;
};

enum class QcRunStatus : std::uint8_t { kAccept, kWarning, kReject };
std::string_view to_code(QcRunStatus status);  // "accept", "warning", "reject"
std::optional<QcRunStatus> qc_run_status_from_code(std::string_view code);

// The control values of one analyte on one instrument measured together, and the verdict of the
// rules on them. A rejected run holds the patient results measured since the last accepted run
// until the technologist documents the corrective action (corrected_*).
struct QcRun {
  std::int64_t id = 0;
  std::string instrument;
  std::string test_code;
  Instant measured_at{};
  std::vector<QcRunValue> values;  // in level order
  QcRunStatus status = QcRunStatus::kAccept;
  std::string rules;       // the rules applied, as configured: "1-3s,2-2s,R-4s,4-1s,10-x"
  std::string violations;  // the violations as JSON ([] when none): rule, action, values
  std::string source;      // "manual", or the message it came in ("ASTM c311 msg 123")
  Instant recorded_at{};
  std::string recorded_by;
  std::string corrective_action;  // "" until documented
  std::optional<Instant> corrected_at;
  std::string corrected_by;
};

// A patient result a rejected QC run put on hold, or found already released (look-back: it was
// released before the failure was known and must be reviewed).
struct QcHold {
  std::int64_t run_id = 0;
  std::int64_t result_id = 0;
  bool was_released = false;           // released before the run was rejected: for review, not held
  std::optional<Instant> resolved_at;  // released or rerun after the corrective action
  std::string resolved_by;
  std::string resolution;  // "released", "rerun", "reviewed"
};

}  // namespace aliquot::core
