// Instrument calibration and maintenance: the tasks with what is due, scheduling a task, logging
// it done, retiring and reactivating it (docs/api.md, "Instruments"). The same lab functions as
// `aliquot instrument tasks` and `aliquot instrument task add|done|retire|reactivate`
// (lab/instrument_tasks.h).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/instrument_task.h"
#include "lab/instrument_tasks.h"
#include "qc/schedule.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// ?instrument= (default: all) and ?due=1 (only the tasks due or overdue).
http::Response list_tasks(const ApiContext& api, const http::Request& request) {
  const std::string instrument = query(request, "instrument");
  const std::string due = query(request, "due");
  if (!due.empty() && due != "0" && due != "1") {
    return http::error_response(
        invalid_argument("query parameter 'due': '" + due + "' is not 1 or 0"));
  }
  const bool due_only = due == "1";
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<lab::InstrumentTaskStatus> statuses,
                                 lab::instrument_task_statuses(tx, instrument, ctx.clock.now()));
        json list = json::array();
        for (const lab::InstrumentTaskStatus& status : statuses) {
          const bool is_due = status.status.state == qc::TaskState::kDue ||
                              status.status.state == qc::TaskState::kOverdue;
          if (due_only && !is_due) continue;
          list.push_back(lab::to_json(status));
        }
        return json{{"tasks", list}};
      },
      std::nullopt));
}

// {name, kind ("calibration" or "maintenance"), test_code?, frequency ("daily", "weekly",
// "monthly" or "runs"), every_runs (with "runs")}: the fields of the task's JSON.
Result<lab::AddInstrumentTask> add_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::AddInstrumentTask command;
  command.instrument = request.path_params.at("instrument");
  ALIQUOT_ASSIGN_OR_RETURN(command.name, required_string(body, "name"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::string kind, required_string(body, "kind"));
  const std::optional<core::InstrumentTaskKind> parsed_kind =
      core::instrument_task_kind_from_code(kind);
  if (!parsed_kind) {
    return invalid_argument("field 'kind': '" + kind +
                            "' is not a kind of task: calibration or maintenance");
  }
  command.kind = *parsed_kind;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> test_code,
                           optional_string(body, "test_code"));
  command.test_code = test_code.value_or("");
  ALIQUOT_ASSIGN_OR_RETURN(const std::string frequency, required_string(body, "frequency"));
  const std::optional<core::TaskFrequency> parsed_frequency =
      core::task_frequency_from_code(frequency);
  if (!parsed_frequency) {
    return invalid_argument("field 'frequency': '" + frequency +
                            "' is not a frequency: daily, weekly, monthly or runs");
  }
  command.frequency = *parsed_frequency;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> every_runs,
                           optional_integer(body, "every_runs"));
  if (command.frequency == core::TaskFrequency::kEveryNRuns && !every_runs) {
    return invalid_argument("field 'every_runs': required with frequency 'runs', a whole number");
  }
  if (every_runs && (*every_runs < 1 || *every_runs > 1'000'000)) {
    return invalid_argument("field 'every_runs': " + std::to_string(*every_runs) +
                            " is not between 1 and 1000000");
  }
  command.every_runs = static_cast<int>(every_runs.value_or(0));
  return command;
}

http::Response add_task(const ApiContext& api, const http::Request& request) {
  const Result<lab::AddInstrumentTask> command = add_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTask task,
                                                 lab::add_instrument_task(tx, ctx, *command));
                        return lab::to_json(task);
                      }),
                201);
}

// The task with id `id`; NotFound otherwise.
Result<core::InstrumentTask> task_by_id(store::Transaction& tx, std::int64_t id) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::InstrumentTask> tasks,
                           tx.list_instrument_tasks(""));
  for (const core::InstrumentTask& task : tasks) {
    if (task.id == id) return task;
  }
  return not_found("there is no instrument task " + std::to_string(id));
}

Result<lab::LogInstrumentTask> done_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, optional_body(request));
  lab::LogInstrumentTask command;
  ALIQUOT_ASSIGN_OR_RETURN(command.done_at, optional_instant(body, "done_at"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> note, optional_string(body, "note"));
  command.note = note.value_or("");
  return command;
}

// Logs the task done; answers its status with the entry just logged as "last".
http::Response task_done(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  Result<lab::LogInstrumentTask> command = done_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTask task,
                                                 task_by_id(tx, *id));
                        command->instrument = task.instrument;
                        command->name = task.name;
                        ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTaskLog entry,
                                                 lab::log_instrument_task(tx, ctx, *command));
                        ALIQUOT_ASSIGN_OR_RETURN(
                            const std::vector<lab::InstrumentTaskStatus> statuses,
                            lab::instrument_task_statuses(tx, task.instrument, ctx.clock.now()));
                        for (const lab::InstrumentTaskStatus& status : statuses) {
                          if (status.task.id == entry.task_id) return lab::to_json(status);
                        }
                        return internal_error("instrument task " + std::to_string(*id) +
                                              " just logged is not listed");
                      }),
                201);
}

enum class Schedule { kRetired, kActive };

http::Response set_active(const ApiContext& api, const http::Request& request, Schedule schedule) {
  const Result<std::int64_t> id = path_id(request, "id");
  if (!id) return http::error_response(id.error());
  if (const Result<json> body = optional_body(request); !body) {
    return http::error_response(body.error());
  }
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::InstrumentTask task, task_by_id(tx, *id));
        ALIQUOT_ASSIGN_OR_RETURN(
            const core::InstrumentTask changed,
            lab::set_instrument_task_active(tx, ctx, task.instrument, task.name,
                                            schedule == Schedule::kActive));
        return lab::to_json(changed);
      }));
}

}  // namespace

ApiRoutes instrument_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/instruments/tasks", std::nullopt,
       [api](const http::Request& request) { return list_tasks(api, request); },
       "the calibration and maintenance tasks, with what is due and overdue"},
      {http::Method::kPost, "/api/instruments/{instrument}/tasks",
       lab::Action::kManageInstrumentTasks,
       [api](const http::Request& request) { return add_task(api, request); },
       "schedule a calibration or maintenance task of an instrument"},
      {http::Method::kPost, "/api/instruments/tasks/{id}/done", lab::Action::kLogInstrumentTask,
       [api](const http::Request& request) { return task_done(api, request); },
       "log that a task was done, by the user"},
      {http::Method::kPost, "/api/instruments/tasks/{id}/retire",
       lab::Action::kManageInstrumentTasks,
       [api](const http::Request& request) { return set_active(api, request, Schedule::kRetired); },
       "take a task off the schedule; its log is kept"},
      {http::Method::kPost, "/api/instruments/tasks/{id}/reactivate",
       lab::Action::kManageInstrumentTasks,
       [api](const http::Request& request) { return set_active(api, request, Schedule::kActive); },
       "put a retired task back on the schedule"},
  };
}

}  // namespace aliquot::server::api
