#pragma once

// The calibrations and maintenance an instrument must have on schedule (CLIA 42 CFR 493.1255
// calibration at least every six months and as the manufacturer requires; 493.1254 maintenance
// as the manufacturer requires), and the log of what was done, when and by whom.

#include <cstdint>
#include <optional>
#include <string>

#include "core/time.h"

namespace aliquot::core {

enum class InstrumentTaskKind : std::uint8_t {
  kCalibration,  // overdue: the instrument's results of the task's test(s) are held
  kMaintenance,  // overdue: an alert, results are not held
};
std::string_view to_code(InstrumentTaskKind kind);  // "calibration", "maintenance"
std::optional<InstrumentTaskKind> instrument_task_kind_from_code(std::string_view code);

enum class TaskFrequency : std::uint8_t {
  kDaily,
  kWeekly,
  kMonthly,     // the same day of the next month (the month's last day when it has no such day)
  kEveryNRuns,  // after `every_runs` patient results measured on the instrument (of `test_code`
                // when the task names one)
};
std::string_view to_code(TaskFrequency frequency);  // "daily", "weekly", "monthly", "runs"
std::optional<TaskFrequency> task_frequency_from_code(std::string_view code);

// One scheduled task of one instrument. (instrument, name) is unique.
struct InstrumentTask {
  std::int64_t id = 0;
  std::string instrument;  // the instrument profile id
  std::string name;        // "GLU calibration", "daily maintenance", "probe cleaning"
  InstrumentTaskKind kind = InstrumentTaskKind::kMaintenance;
  std::string test_code;  // calibration of one analyte; "" = every analyte of the instrument
  TaskFrequency frequency = TaskFrequency::kDaily;
  int every_runs = 0;  // for kEveryNRuns
  bool active = true;  // a retired task is kept with its log, and is never due
  Instant created_at{};
  std::string created_by;
};

// One time a task was done.
struct InstrumentTaskLog {
  std::int64_t id = 0;
  std::int64_t task_id = 0;
  Instant done_at{};
  std::string done_by;
  std::string note;  // what was done: "recalibrated, cal lot 1234, verification in range"
  Instant recorded_at{};
};

}  // namespace aliquot::core
