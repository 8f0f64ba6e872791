// `aliquot instrument task add|retire|reactivate|done` and `aliquot instrument tasks`
// (cli/instrument_commands.h).

#include "cli/instrument_commands.h"

#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/instrument_tasks.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kAddFooter =
    R"(--every: daily (24 h after it was last done), weekly (7 days), monthly (the same day of the
next month, its last day when it has none), or N-runs (after N patient results measured on the
instrument, of --test when given), e.g. 500-runs. A task is "due" from a seventh of its
interval before that (the last tenth of its runs) and "overdue" from then on; a task never done
is overdue. An overdue calibration holds the instrument's results of its test (of every test
without --test); overdue maintenance is shown, results are not held.
Technologists, pathologists and supervisors define schedules.)";

constexpr const char* kDoneFooter =
    R"(A calibration is logged with --note saying what was done (calibrator lot, verification).
--at is when it was done, e.g. 2026-03-02T08:05Z (default: now; never in the future).
Technicians and above log tasks.)";

constexpr const char* kTasksFooter =
    R"(Every task with its last log entry and its state: ok, due, overdue or inactive (retired).
With --json: [{"task", "last", "state", "due_at", "runs_since", "runs_left", "summary"}].
The exit status is 0 whatever the tasks' state: this is a report.)";

// "task 'GLU calibration' of CHEM1".
std::string named(const core::InstrumentTask& task) {
  return "task '" + task.name + "' of " + task.instrument;
}

// "daily", "weekly", "monthly", "every 500 runs".
std::string frequency_text(const core::InstrumentTask& task) {
  if (task.frequency == core::TaskFrequency::kEveryNRuns) {
    return "every " + std::to_string(task.every_runs) + (task.every_runs == 1 ? " run" : " runs");
  }
  return std::string(core::to_code(task.frequency));
}

struct Frequency {
  core::TaskFrequency frequency = core::TaskFrequency::kDaily;
  int every_runs = 0;
};

// daily, weekly, monthly or N-runs.
Result<Frequency> parse_frequency(const std::string& text) {
  const auto refuse = [&] {
    return invalid_argument("--every: '" + text +
                            "' is not a frequency: daily, weekly, monthly or N-runs (e.g. "
                            "500-runs)");
  };
  constexpr std::string_view kRuns = "-runs";
  if (text.size() > kRuns.size() && text.ends_with(kRuns)) {
    const std::string_view digits(text.data(), text.size() - kRuns.size());
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) return refuse();
    int count = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (error != std::errc() || end != digits.data() + digits.size()) return refuse();
    return Frequency{core::TaskFrequency::kEveryNRuns, count};
  }
  const std::optional<core::TaskFrequency> frequency = core::task_frequency_from_code(text);
  if (!frequency || *frequency == core::TaskFrequency::kEveryNRuns) return refuse();
  return Frequency{*frequency, 0};
}

struct AddOptions {
  std::string instrument;
  std::string name;
  std::string kind;
  std::string test_code;
  std::string every;
};

Result<void> run_instrument_add(Session& session, const AddOptions& options) {
  const std::optional<core::InstrumentTaskKind> kind =
      core::instrument_task_kind_from_code(options.kind);
  if (!kind) {
    return invalid_argument("--kind: '" + options.kind +
                            "' is not a kind of task: calibration or maintenance");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const Frequency frequency, parse_frequency(options.every));
  lab::AddInstrumentTask command;
  command.instrument = options.instrument;
  command.name = options.name;
  command.kind = *kind;
  command.test_code = options.test_code;
  command.frequency = frequency.frequency;
  command.every_runs = frequency.every_runs;
  core::InstrumentTask task;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(task, lab::add_instrument_task(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(task));
    return ok();
  }
  std::string what(core::to_code(task.kind));
  if (task.kind == core::InstrumentTaskKind::kCalibration) {
    what += task.test_code.empty() ? " of every test" : " of " + task.test_code;
  }
  session.out() << named(task) << " added: " << what << ", " << frequency_text(task)
                << "; overdue until it is first logged (aliquot instrument task done)\n";
  return ok();
}

Result<void> run_set_active(Session& session, const std::string& instrument,
                            const std::string& name, bool active) {
  core::InstrumentTask task;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            task, lab::set_instrument_task_active(tx, ctx, instrument, name, active));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(task));
    return ok();
  }
  session.out() << named(task) << (active ? " reactivated" : " retired") << "\n";
  return ok();
}

struct DoneOptions {
  std::string instrument;
  std::string name;
  std::string at;
  std::string note;
};

Result<void> run_done(Session& session, const DoneOptions& options) {
  lab::LogInstrumentTask command;
  command.instrument = options.instrument;
  command.name = options.name;
  ALIQUOT_ASSIGN_OR_RETURN(command.done_at, parse_optional_time("--at", options.at));
  command.note = options.note;
  core::InstrumentTaskLog entry;
  std::optional<lab::InstrumentTaskStatus> status;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(entry, lab::log_instrument_task(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(
            std::vector<lab::InstrumentTaskStatus> statuses,
            lab::instrument_task_statuses(tx, command.instrument, ctx.clock.now()));
        for (lab::InstrumentTaskStatus& candidate : statuses) {
          if (candidate.task.id == entry.task_id) status = std::move(candidate);
        }
        if (!status) return internal_error("the task just logged is not listed");
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(*status));
    return ok();
  }
  session.out() << named(status->task) << " done at " << report::display_time(entry.done_at)
                << " by " << entry.done_by << "\n"
                << status->status.summary << "\n";
  return ok();
}

struct TasksOptions {
  std::string instrument;
  bool due_only = false;
};

// When the task falls due, as the table shows it: a time, runs left, or "now" for one never done.
std::string due_text(const lab::InstrumentTaskStatus& status) {
  if (status.status.state == qc::TaskState::kInactive) return "";
  if (!status.last) return "now";
  if (status.task.frequency == core::TaskFrequency::kEveryNRuns) {
    return std::to_string(status.status.runs_left) +
           (status.status.runs_left == 1 ? " run left" : " runs left");
  }
  return report::display_time(status.status.due_at);
}

Result<void> run_tasks(Session& session, const TasksOptions& options) {
  std::vector<lab::InstrumentTaskStatus> statuses;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            statuses, lab::instrument_task_statuses(tx, options.instrument, ctx.clock.now()));
        return ok();
      },
      std::nullopt));
  if (options.due_only) {
    std::erase_if(statuses, [](const lab::InstrumentTaskStatus& status) {
      return status.status.state != qc::TaskState::kDue &&
             status.status.state != qc::TaskState::kOverdue;
    });
  }
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const lab::InstrumentTaskStatus& status : statuses) list.push_back(lab::to_json(status));
    session.set_json(list);
    return ok();
  }
  if (statuses.empty()) {
    session.out() << (options.due_only ? "no instrument task is due\n" : "no instrument tasks\n");
    return ok();
  }
  report::TextTable table(
      {"Instrument", "Task", "Kind", "Test", "Every", "Last done", "By", "Due", "State"});
  int overdue = 0;
  int due = 0;
  for (const lab::InstrumentTaskStatus& status : statuses) {
    const core::InstrumentTask& task = status.task;
    overdue += status.status.state == qc::TaskState::kOverdue;
    due += status.status.state == qc::TaskState::kDue;
    std::string test = task.test_code;
    if (test.empty() && task.kind == core::InstrumentTaskKind::kCalibration) test = "all";
    table.add_row({task.instrument, task.name, std::string(core::to_code(task.kind)), test,
                   frequency_text(task),
                   status.last ? report::display_time(status.last->done_at) : "never",
                   status.last ? status.last->done_by : "", due_text(status),
                   std::string(qc::to_code(status.status.state))});
  }
  session.out() << table.render();
  session.out() << statuses.size() << (statuses.size() == 1 ? " task: " : " tasks: ") << overdue
                << " overdue, " << due << " due\n";
  return ok();
}

void add_task_commands(CLI::App& instrument, CommandSelection& selection) {
  CLI::App* task = instrument.add_subcommand(
      "task", "define an instrument's calibration and maintenance, and log them when done");
  task->require_subcommand(1);

  auto add = std::make_shared<AddOptions>();
  CLI::App* add_command =
      task->add_subcommand("add", "schedule a calibration or maintenance task of an instrument");
  add_command->footer(kAddFooter);
  add_command->add_option("INSTRUMENT", add->instrument, "the instrument profile id")->required();
  add_command->add_option("NAME", add->name, "the task's name, e.g. \"GLU calibration\"")
      ->required();
  add_command->add_option("--kind", add->kind, "calibration or maintenance")
      ->required()
      ->type_name("KIND");
  add_command->add_option("--test", add->test_code, "a calibration of this test only")
      ->type_name("CODE");
  add_command->add_option("--every", add->every, "daily, weekly, monthly or N-runs")
      ->required()
      ->type_name("FREQUENCY");
  selection.bind(add_command,
                 [add](Session& session) { return run_instrument_add(session, *add); });

  for (const bool active : {false, true}) {
    auto names = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* command =
        active ? task->add_subcommand("reactivate", "put a retired task back on the schedule")
               : task->add_subcommand("retire", "take a task off the schedule; its log is kept");
    command->add_option("INSTRUMENT", names->first, "the instrument profile id")->required();
    command->add_option("NAME", names->second, "the task's name")->required();
    selection.bind(command, [names, active](Session& session) {
      return run_set_active(session, names->first, names->second, active);
    });
  }

  auto done = std::make_shared<DoneOptions>();
  CLI::App* done_command = task->add_subcommand("done", "log that a task was done, by the user");
  done_command->footer(kDoneFooter);
  done_command->add_option("INSTRUMENT", done->instrument, "the instrument profile id")->required();
  done_command->add_option("NAME", done->name, "the task's name")->required();
  done_command->add_option("--at", done->at, "when it was done (default: now)")->type_name("TIME");
  done_command->add_option("--note", done->note, "what was done; required for a calibration")
      ->type_name("TEXT");
  selection.bind(done_command, [done](Session& session) { return run_done(session, *done); });
}

}  // namespace

void add_instrument_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* instrument =
      app.add_subcommand("instrument", "instrument calibration and maintenance schedules");
  instrument->require_subcommand(1);
  add_task_commands(*instrument, selection);

  auto tasks = std::make_shared<TasksOptions>();
  CLI::App* tasks_command = instrument->add_subcommand(
      "tasks", "the calibration and maintenance tasks, with what is due and overdue");
  tasks_command->footer(kTasksFooter);
  tasks_command->add_option("INSTRUMENT", tasks->instrument, "one instrument (default: all)");
  tasks_command->add_flag("--due", tasks->due_only, "only the tasks due or overdue");
  selection.bind(tasks_command, [tasks](Session& session) { return run_tasks(session, *tasks); });
}

}  // namespace aliquot::cli
