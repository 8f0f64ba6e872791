// When calibration and maintenance fall due (qc/schedule.h).

#include "qc/schedule.h"

#include <algorithm>
#include <chrono>

namespace aliquot::qc {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

// The same clock time on the same day of the next month, in UTC; the next month's last day when
// it has no such day (31 January -> 28 or 29 February).
core::Instant one_month_after(core::Instant done) {
  const std::chrono::sys_days day = std::chrono::floor<days>(done);
  const milliseconds time_of_day = done - day;
  return std::chrono::sys_days(core::add_months(core::Date(day), 1)) + time_of_day;
}

core::Instant due_after(core::TaskFrequency frequency, core::Instant done) {
  switch (frequency) {
    case core::TaskFrequency::kDaily: return done + hours(24);
    case core::TaskFrequency::kWeekly: return done + days(7);
    case core::TaskFrequency::kMonthly: return one_month_after(done);
    case core::TaskFrequency::kEveryNRuns: break;
  }
  return done;
}

TaskStatus run_status(const core::InstrumentTask& task, core::Instant last_done,
                      std::int64_t runs_since) {
  TaskStatus status;
  status.runs_since = runs_since;
  const std::int64_t every = task.every_runs;
  status.runs_left = std::max<std::int64_t>(0, every - runs_since);
  const std::string counted = std::to_string(runs_since) + " of " + std::to_string(every) +
                              " runs since " + core::format_instant(last_done);
  if (status.runs_left == 0) {
    status.state = TaskState::kOverdue;
    status.summary = task.name + " overdue: " + counted;
  } else if (status.runs_left * 10 <= every) {
    // The last tenth of the runs is the notice period.
    status.state = TaskState::kDue;
    status.summary = task.name + " due in " + std::to_string(status.runs_left) +
                     (status.runs_left == 1 ? " run (" : " runs (") + counted + ")";
  } else {
    status.summary = task.name + " ok: " + counted;
  }
  return status;
}

TaskStatus time_status(const core::InstrumentTask& task, core::Instant last_done,
                       core::Instant now) {
  TaskStatus status;
  const core::Instant due = due_after(task.frequency, last_done);
  status.due_at = due;
  // One seventh of the interval, at least an hour: a day's task is announced about three and a
  // half hours ahead, a week's a day ahead, a month's four days or so.
  const milliseconds notice = std::max<milliseconds>((due - last_done) / 7, hours(1));
  const std::string when = core::format_instant(due);
  if (now >= due) {
    status.state = TaskState::kOverdue;
    status.summary = task.name + " overdue since " + when;
  } else if (now >= due - notice) {
    status.state = TaskState::kDue;
    status.summary = task.name + " due at " + when;
  } else {
    status.summary = task.name + " ok, due at " + when;
  }
  return status;
}

}  // namespace

std::string_view to_code(TaskState state) {
  switch (state) {
    case TaskState::kOk: return "ok";
    case TaskState::kDue: return "due";
    case TaskState::kOverdue: return "overdue";
    case TaskState::kInactive: return "inactive";
  }
  return "ok";
}

TaskStatus task_status(const core::InstrumentTask& task, std::optional<core::Instant> last_done,
                       std::int64_t runs_since, core::Instant now) {
  const bool by_runs = task.frequency == core::TaskFrequency::kEveryNRuns;
  if (!task.active) {
    TaskStatus status;
    status.state = TaskState::kInactive;
    status.summary = task.name + " retired";
    return status;
  }
  if (!last_done) {
    // Nothing shows the instrument was ever calibrated or maintained: treat it as late.
    TaskStatus status;
    status.state = TaskState::kOverdue;
    if (by_runs) status.runs_since = runs_since;
    status.summary = task.name + " overdue: never done";
    return status;
  }
  return by_runs ? run_status(task, *last_done, runs_since) : time_status(task, *last_done, now);
}

}  // namespace aliquot::qc
