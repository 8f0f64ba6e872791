#pragma once

// When a scheduled calibration or maintenance task falls due, and whether it is overdue. Pure:
// the caller passes the task, the last time it was done and the runs since.
//
// A task is due at the end of its interval after it was last done: daily 24 h, weekly 7 days,
// monthly the same clock time and day of the next month (its last day when it has no such
// day), every N runs after N runs. It is reported "due" from a notice period before that
// (one seventh of the interval, at least one hour; for runs, the last tenth of them) and
// "overdue" from that moment on. A task never done is overdue.

#include <cstdint>
#include <optional>
#include <string>

#include "core/instrument_task.h"
#include "core/time.h"

namespace aliquot::qc {

enum class TaskState { kOk, kDue, kOverdue, kInactive };
std::string_view to_code(TaskState state);  // "ok", "due", "overdue", "inactive"

struct TaskStatus {
  TaskState state = TaskState::kOk;
  std::optional<core::Instant> due_at;  // time-based tasks: when it falls due
  std::int64_t runs_since = 0;          // run-based tasks: runs since it was last done
  std::int64_t runs_left = 0;           // run-based tasks: before it falls due (0 when due)
  std::string summary;  // one line for people: "GLU calibration overdue since 2026-11-20 08:00"
};

// The status at `now` of `task`, last done at `last_done` (nullopt: never), with `runs_since`
// results measured since then (for run-based tasks). Times in summaries are UTC
// (core::format_instant).
TaskStatus task_status(const core::InstrumentTask& task, std::optional<core::Instant> last_done,
                       std::int64_t runs_since, core::Instant now);

}  // namespace aliquot::qc
