#pragma once

// Calibration and maintenance schedules of the lab's instruments, the log of what was done, and
// which tasks are due or overdue (qc/schedule.h decides). An overdue calibration holds the
// instrument's results of its analyte(s): lab/quality_control.h qc_finding asks
// overdue_calibration.
//
// Audit actions: instrument.task.add, instrument.task.update, instrument.task.done; entities are
// named "INSTRUMENT/TASK NAME".

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/instrument_task.h"
#include "lab/context.h"
#include "qc/schedule.h"
#include "store/store.h"

namespace aliquot::lab {

struct AddInstrumentTask {
  std::string instrument;
  std::string name;
  core::InstrumentTaskKind kind = core::InstrumentTaskKind::kMaintenance;
  std::string test_code;  // calibration of one analyte; "" = all
  core::TaskFrequency frequency = core::TaskFrequency::kDaily;
  int every_runs = 0;  // for TaskFrequency::kEveryNRuns, > 0
};
// AlreadyExists for a name the instrument has; InvalidArgument without instrument or name, for
// every_runs not positive with a run-based frequency, or a test code on a maintenance task;
// NotFound for a test the catalog does not have. Supervisors and technologists.
Result<core::InstrumentTask> add_instrument_task(store::Transaction& tx, const Context& ctx,
                                                 const AddInstrumentTask& command);

// Retires (active = false) or reactivates a task. NotFound for an unknown task.
Result<core::InstrumentTask> set_instrument_task_active(store::Transaction& tx, const Context& ctx,
                                                        std::string_view instrument,
                                                        std::string_view name, bool active);

struct LogInstrumentTask {
  std::string instrument;
  std::string name;
  std::optional<core::Instant> done_at;  // defaults to now; not in the future
  std::string note;                      // required for a calibration
};
// Records that the task was done, by the actor. Technicians and above.
Result<core::InstrumentTaskLog> log_instrument_task(store::Transaction& tx, const Context& ctx,
                                                    const LogInstrumentTask& command);

struct InstrumentTaskStatus {
  core::InstrumentTask task;
  std::optional<core::InstrumentTaskLog> last;  // the last time it was done
  qc::TaskStatus status;
};
// Every task of `instrument` (all instruments when empty) with its status at `at`, by instrument
// then name. Inactive tasks are included with state kInactive.
Result<std::vector<InstrumentTaskStatus>> instrument_task_statuses(store::Transaction& tx,
                                                                   std::string_view instrument,
                                                                   core::Instant at);

// The first active calibration of `instrument` covering `test_code` (its own or for all
// analytes) that is overdue at `at`; nullopt when none is.
Result<std::optional<InstrumentTaskStatus>> overdue_calibration(store::Transaction& tx,
                                                                std::string_view instrument,
                                                                std::string_view test_code,
                                                                core::Instant at);

// The JSON forms (lab/json.h conventions: times RFC 3339 UTC, enums by code, absent values
// null): the audit trail's images of tasks and log entries, and `--json` output.
nlohmann::json to_json(const core::InstrumentTask& task);
nlohmann::json to_json(const core::InstrumentTaskLog& entry);
// The task, its last log entry ("last", null when never done) and its status: "state",
// "due_at", "runs_since", "runs_left", "summary".
nlohmann::json to_json(const InstrumentTaskStatus& status);

}  // namespace aliquot::lab
