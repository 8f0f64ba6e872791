// Calibration and maintenance schedules of the instruments (lab/instrument_tasks.h).

#include "lab/instrument_tasks.h"

#include "core/text.h"
#include "lab/json_values.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

using nlohmann::json;

// "CHEM1/GLU calibration": the entity key of a task in the audit trail.
std::string task_key(const core::InstrumentTask& task) { return task.instrument + "/" + task.name; }

// "task 'GLU calibration' of CHEM1", for messages.
std::string task_named(std::string_view instrument, std::string_view name) {
  return "task '" + std::string(name) + "' of " + std::string(instrument);
}

Result<core::InstrumentTask> task_by_name(store::Transaction& tx, std::string_view instrument,
                                          std::string_view name) {
  const std::string wanted_instrument = trimmed(instrument);
  const std::string wanted_name = trimmed(name);
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::InstrumentTask> task,
                           tx.find_instrument_task(wanted_instrument, wanted_name));
  if (!task) {
    return not_found("instrument " + wanted_instrument + " has no task '" + wanted_name + "'");
  }
  return *task;
}

audit::Change task_change(std::string action, const core::InstrumentTask& task) {
  audit::Change change;
  change.action = std::move(action);
  change.entity_type = "instrument_task";
  change.entity_key = task_key(task);
  change.test_code = task.test_code;
  return change;
}

Result<InstrumentTaskStatus> status_of(store::Transaction& tx, const core::InstrumentTask& task,
                                       core::Instant at) {
  InstrumentTaskStatus status;
  status.task = task;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::InstrumentTaskLog> last,
                           tx.instrument_task_log(task.id, 1));
  if (!last.empty()) status.last = last.front();
  std::int64_t runs_since = 0;
  if (task.active && task.frequency == core::TaskFrequency::kEveryNRuns && status.last) {
    ALIQUOT_ASSIGN_OR_RETURN(
        runs_since,
        tx.count_results_measured_on(task.instrument, task.test_code, status.last->done_at));
  }
  std::optional<core::Instant> last_done;
  if (status.last) last_done = status.last->done_at;
  status.status = qc::task_status(task, last_done, runs_since, at);
  return status;
}

}  // namespace

Result<core::InstrumentTask> add_instrument_task(store::Transaction& tx, const Context& ctx,
                                                 const AddInstrumentTask& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageInstrumentTasks));
  core::InstrumentTask task;
  task.instrument = trimmed(command.instrument);
  task.name = trimmed(command.name);
  if (task.instrument.empty()) {
    return invalid_argument("an instrument task needs the instrument (its profile id)");
  }
  if (task.name.empty()) {
    return invalid_argument("a task of instrument " + task.instrument + " needs a name");
  }
  const std::string what = task_named(task.instrument, task.name);
  task.kind = command.kind;
  task.frequency = command.frequency;
  const std::string test_code = trimmed(command.test_code);
  if (!test_code.empty()) {
    // Maintenance keeps the instrument working; only a calibration sets one analyte's response.
    if (task.kind != core::InstrumentTaskKind::kCalibration) {
      return invalid_argument("maintenance " + what + " cannot name a test ('" + test_code +
                              "'): only a calibration is of one analyte");
    }
    ALIQUOT_ASSIGN_OR_RETURN(const core::TestDefinition* test, catalog_test(ctx, test_code));
    task.test_code = test->code;
  }
  if (task.frequency == core::TaskFrequency::kEveryNRuns) {
    if (command.every_runs <= 0) {
      return invalid_argument(what + " is done every N runs: N must be at least 1, not " +
                              std::to_string(command.every_runs));
    }
    task.every_runs = command.every_runs;
  } else if (command.every_runs != 0) {
    return invalid_argument(what + " is " + std::string(core::to_code(task.frequency)) +
                            ": a run count (" + std::to_string(command.every_runs) +
                            ") is only for a task done every N runs");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::InstrumentTask> existing,
                           tx.find_instrument_task(task.instrument, task.name));
  if (existing) {
    return already_exists("instrument " + task.instrument + " already has a task '" + task.name +
                          "'");
  }
  const core::Instant now = ctx.clock.now();
  task.active = true;
  task.created_at = now;
  task.created_by = actor.username;
  ALIQUOT_ASSIGN_OR_RETURN(task, tx.insert_instrument_task(task));

  audit::Change change = task_change("instrument.task.add", task);
  change.after = to_compact_text(to_json(task));
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return task;
}

Result<core::InstrumentTask> set_instrument_task_active(store::Transaction& tx, const Context& ctx,
                                                        std::string_view instrument,
                                                        std::string_view name, bool active) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kManageInstrumentTasks));
  ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTask before, task_by_name(tx, instrument, name));
  if (before.active == active) {
    return failed_precondition(task_named(before.instrument, before.name) + " is already " +
                               (active ? "active" : "retired"));
  }
  core::InstrumentTask after = before;
  after.active = active;
  ALIQUOT_RETURN_IF_ERROR(tx.update_instrument_task(after));

  audit::Change change = task_change("instrument.task.update", after);
  change.before = to_compact_text(to_json(before));
  change.after = to_compact_text(to_json(after));
  change.reason = active ? "reactivated" : "retired";
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, ctx.clock.now(), change));
  return after;
}

Result<core::InstrumentTaskLog> log_instrument_task(store::Transaction& tx, const Context& ctx,
                                                    const LogInstrumentTask& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kLogInstrumentTask));
  ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTask task,
                           task_by_name(tx, command.instrument, command.name));
  const std::string what = task_named(task.instrument, task.name);
  if (!task.active) {
    return failed_precondition(what + " is retired; reactivate it before logging it");
  }
  const core::Instant now = ctx.clock.now();
  const core::Instant done_at = command.done_at.value_or(now);
  if (done_at > now) {
    return invalid_argument("done time " + core::format_instant(done_at) +
                            " is in the future (now " + core::format_instant(now) + ")");
  }
  const std::string note = trimmed(command.note);
  // A calibration's record is what makes the results after it traceable (CLIA 42 CFR
  // 493.1255(a): calibration procedures and their documentation).
  if (note.empty() && task.kind == core::InstrumentTaskKind::kCalibration) {
    return invalid_argument("calibration " + what +
                            " is logged with a note of what was done (calibrator lot, "
                            "verification of the calibration)");
  }
  core::InstrumentTaskLog entry;
  entry.task_id = task.id;
  entry.done_at = done_at;
  entry.done_by = actor.username;
  entry.note = note;
  entry.recorded_at = now;
  ALIQUOT_ASSIGN_OR_RETURN(entry, tx.insert_instrument_task_log(entry));

  audit::Change change = task_change("instrument.task.done", task);
  change.after = to_compact_text(to_json(entry));
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return entry;
}

Result<std::vector<InstrumentTaskStatus>> instrument_task_statuses(store::Transaction& tx,
                                                                   std::string_view instrument,
                                                                   core::Instant at) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::InstrumentTask> tasks,
                           tx.list_instrument_tasks(trimmed(instrument)));
  std::vector<InstrumentTaskStatus> statuses;
  statuses.reserve(tasks.size());
  for (const core::InstrumentTask& task : tasks) {
    ALIQUOT_ASSIGN_OR_RETURN(InstrumentTaskStatus status, status_of(tx, task, at));
    statuses.push_back(std::move(status));
  }
  return statuses;
}

Result<std::optional<InstrumentTaskStatus>> overdue_calibration(store::Transaction& tx,
                                                                std::string_view instrument,
                                                                std::string_view test_code,
                                                                core::Instant at) {
  if (instrument.empty()) return std::optional<InstrumentTaskStatus>();
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::InstrumentTask> tasks,
                           tx.list_instrument_tasks(instrument));
  for (const core::InstrumentTask& task : tasks) {
    if (!task.active || task.kind != core::InstrumentTaskKind::kCalibration) continue;
    if (!task.test_code.empty() && !core::equals_ignoring_case(task.test_code, test_code)) {
      continue;
    }
    ALIQUOT_ASSIGN_OR_RETURN(InstrumentTaskStatus status, status_of(tx, task, at));
    if (status.status.state == qc::TaskState::kOverdue) {
      return std::optional<InstrumentTaskStatus>(std::move(status));
    }
  }
  return std::optional<InstrumentTaskStatus>();
}

json to_json(const core::InstrumentTask& task) {
  return {{"id", task.id},
          {"instrument", task.instrument},
          {"name", task.name},
          {"kind", std::string(core::to_code(task.kind))},
          {"test_code", task.test_code.empty() ? json(nullptr) : json(task.test_code)},
          {"frequency", std::string(core::to_code(task.frequency))},
          {"every_runs", task.frequency == core::TaskFrequency::kEveryNRuns ? json(task.every_runs)
                                                                            : json(nullptr)},
          {"active", task.active},
          {"created_at", core::format_instant(task.created_at)},
          {"created_by", task.created_by}};
}

json to_json(const core::InstrumentTaskLog& entry) {
  return {{"id", entry.id},
          {"task_id", entry.task_id},
          {"done_at", core::format_instant(entry.done_at)},
          {"done_by", entry.done_by},
          {"note", entry.note},
          {"recorded_at", core::format_instant(entry.recorded_at)}};
}

json to_json(const InstrumentTaskStatus& status) {
  const bool by_runs = status.task.frequency == core::TaskFrequency::kEveryNRuns;
  return {{"task", to_json(status.task)},
          {"last", status.last ? to_json(*status.last) : json(nullptr)},
          {"state", std::string(qc::to_code(status.status.state))},
          {"due_at", instant_or_null(status.status.due_at)},
          {"runs_since", by_runs ? json(status.status.runs_since) : json(nullptr)},
          {"runs_left", by_runs ? json(status.status.runs_left) : json(nullptr)},
          {"summary", status.status.summary}};
}

}  // namespace aliquot::lab
