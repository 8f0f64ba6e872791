#include "qc/schedule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace aliquot::qc {
namespace {

using std::chrono::days;
using std::chrono::minutes;

core::Instant at(const char* text) {
  const Result<core::Instant> parsed = core::parse_instant(text);
  if (!parsed) throw std::runtime_error(parsed.error().message());
  return *parsed;
}

core::InstrumentTask task(core::TaskFrequency frequency, int every_runs = 0) {
  core::InstrumentTask task;
  task.instrument = "CHEM1";
  task.name = "GLU calibration";
  task.kind = core::InstrumentTaskKind::kCalibration;
  task.test_code = "GLU";
  task.frequency = frequency;
  task.every_runs = every_runs;
  return task;
}

TEST(TaskStatus, ADailyTaskFallsDueAfterTwentyFourHoursWithASeventhAsNotice) {
  const core::Instant done = at("2026-11-20T08:00:00Z");
  const core::InstrumentTask daily = task(core::TaskFrequency::kDaily);

  // Notice: 24 h / 7 = 3 h 25 min 42.857 s before 08:00 the next day, from 04:34:17.143.
  const TaskStatus early = task_status(daily, done, 0, at("2026-11-21T04:34:17Z"));
  EXPECT_EQ(early.state, TaskState::kOk);
  EXPECT_EQ(early.due_at, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(early.summary, "GLU calibration ok, due at 2026-11-21T08:00:00Z");

  const TaskStatus due = task_status(daily, done, 0, at("2026-11-21T04:34:18Z"));
  EXPECT_EQ(due.state, TaskState::kDue);
  EXPECT_EQ(due.summary, "GLU calibration due at 2026-11-21T08:00:00Z");

  const TaskStatus overdue = task_status(daily, done, 0, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(overdue.state, TaskState::kOverdue);
  EXPECT_EQ(overdue.due_at, at("2026-11-21T08:00:00Z"));
  EXPECT_EQ(overdue.summary, "GLU calibration overdue since 2026-11-21T08:00:00Z");
  EXPECT_EQ(overdue.runs_left, 0);
  EXPECT_EQ(overdue.runs_since, 0);
}

TEST(TaskStatus, AWeeklyTaskIsAnnouncedADayAhead) {
  const core::Instant done = at("2026-11-20T08:00:00Z");
  const core::InstrumentTask weekly = task(core::TaskFrequency::kWeekly);
  const core::Instant due_at = at("2026-11-27T08:00:00Z");
  EXPECT_EQ(task_status(weekly, done, 0, due_at - days(1) - minutes(1)).state, TaskState::kOk);
  EXPECT_EQ(task_status(weekly, done, 0, due_at - days(1)).state, TaskState::kDue);
  EXPECT_EQ(task_status(weekly, done, 0, due_at - minutes(1)).state, TaskState::kDue);
  const TaskStatus overdue = task_status(weekly, done, 0, due_at + days(3));
  EXPECT_EQ(overdue.state, TaskState::kOverdue);
  EXPECT_EQ(overdue.due_at, due_at);
}

TEST(TaskStatus, AMonthlyTaskFallsDueOnTheSameDayOfTheNextMonth) {
  const core::InstrumentTask monthly = task(core::TaskFrequency::kMonthly);
  const auto due_after = [&](const char* done) {
    return *task_status(monthly, at(done), 0, at(done)).due_at;
  };
  EXPECT_EQ(due_after("2026-11-15T06:30:00Z"), at("2026-12-15T06:30:00Z"));
  EXPECT_EQ(due_after("2026-12-15T06:30:00Z"), at("2027-01-15T06:30:00Z"));
  EXPECT_EQ(due_after("2026-04-30T23:59:59.250Z"), at("2026-05-30T23:59:59.250Z"));
}

TEST(TaskStatus, AMonthlyTaskFallsDueOnTheLastDayOfAShorterMonth) {
  const core::InstrumentTask monthly = task(core::TaskFrequency::kMonthly);
  const auto due_after = [&](const char* done) {
    return *task_status(monthly, at(done), 0, at(done)).due_at;
  };
  EXPECT_EQ(due_after("2027-01-31T08:00:00Z"), at("2027-02-28T08:00:00Z"));
  EXPECT_EQ(due_after("2028-01-31T08:00:00Z"), at("2028-02-29T08:00:00Z"));  // leap year
  EXPECT_EQ(due_after("2028-01-29T08:00:00Z"), at("2028-02-29T08:00:00Z"));
  EXPECT_EQ(due_after("2027-03-31T08:00:00Z"), at("2027-04-30T08:00:00Z"));
  EXPECT_EQ(due_after("2027-08-31T08:00:00Z"), at("2027-09-30T08:00:00Z"));
}

TEST(TaskStatus, AMonthlyTaskIsAnnouncedASeventhOfItsMonthAhead) {
  const core::InstrumentTask monthly = task(core::TaskFrequency::kMonthly);
  // 31 January to 28 February: 28 days, so four days of notice.
  const core::Instant done = at("2027-01-31T08:00:00Z");
  EXPECT_EQ(task_status(monthly, done, 0, at("2027-02-24T07:59:59Z")).state, TaskState::kOk);
  EXPECT_EQ(task_status(monthly, done, 0, at("2027-02-24T08:00:00Z")).state, TaskState::kDue);
  EXPECT_EQ(task_status(monthly, done, 0, at("2027-02-28T08:00:00Z")).state, TaskState::kOverdue);
}

TEST(TaskStatus, ARunBasedTaskIsDueInTheLastTenthOfItsRuns) {
  const core::Instant done = at("2026-11-20T08:00:00Z");
  const core::Instant now = at("2026-11-20T20:00:00Z");
  const core::InstrumentTask every_1000 = task(core::TaskFrequency::kEveryNRuns, 1000);

  const TaskStatus ok = task_status(every_1000, done, 899, now);
  EXPECT_EQ(ok.state, TaskState::kOk);
  EXPECT_EQ(ok.runs_since, 899);
  EXPECT_EQ(ok.runs_left, 101);
  EXPECT_FALSE(ok.due_at.has_value());
  EXPECT_EQ(ok.summary, "GLU calibration ok: 899 of 1000 runs since 2026-11-20T08:00:00Z");

  const TaskStatus due = task_status(every_1000, done, 900, now);
  EXPECT_EQ(due.state, TaskState::kDue);
  EXPECT_EQ(due.runs_left, 100);
  EXPECT_EQ(due.summary,
            "GLU calibration due in 100 runs (900 of 1000 runs since 2026-11-20T08:00:00Z)");

  const TaskStatus last = task_status(every_1000, done, 999, now);
  EXPECT_EQ(last.state, TaskState::kDue);
  EXPECT_EQ(last.runs_left, 1);
  EXPECT_EQ(last.summary,
            "GLU calibration due in 1 run (999 of 1000 runs since 2026-11-20T08:00:00Z)");

  const TaskStatus overdue = task_status(every_1000, done, 1000, now);
  EXPECT_EQ(overdue.state, TaskState::kOverdue);
  EXPECT_EQ(overdue.runs_left, 0);
  EXPECT_EQ(overdue.summary,
            "GLU calibration overdue: 1000 of 1000 runs since 2026-11-20T08:00:00Z");

  const TaskStatus long_overdue = task_status(every_1000, done, 1450, now);
  EXPECT_EQ(long_overdue.state, TaskState::kOverdue);
  EXPECT_EQ(long_overdue.runs_since, 1450);
  EXPECT_EQ(long_overdue.runs_left, 0);
}

TEST(TaskStatus, ARunBasedTaskIgnoresTime) {
  const core::InstrumentTask every_50 = task(core::TaskFrequency::kEveryNRuns, 50);
  const core::Instant done = at("2026-01-01T08:00:00Z");
  const TaskStatus status = task_status(every_50, done, 3, at("2026-11-20T08:00:00Z"));
  EXPECT_EQ(status.state, TaskState::kOk);
  EXPECT_EQ(status.runs_left, 47);
  // Of five runs, the last tenth is half a run: the task is never "due" before it is overdue.
  const core::InstrumentTask every_5 = task(core::TaskFrequency::kEveryNRuns, 5);
  EXPECT_EQ(task_status(every_5, done, 4, done).state, TaskState::kOk);
  EXPECT_EQ(task_status(every_5, done, 5, done).state, TaskState::kOverdue);
}

TEST(TaskStatus, ATaskNeverDoneIsOverdue) {
  const core::Instant now = at("2026-11-20T08:00:00Z");
  for (const core::TaskFrequency frequency :
       {core::TaskFrequency::kDaily, core::TaskFrequency::kWeekly, core::TaskFrequency::kMonthly}) {
    const TaskStatus status = task_status(task(frequency), std::nullopt, 0, now);
    EXPECT_EQ(status.state, TaskState::kOverdue);
    EXPECT_FALSE(status.due_at.has_value());
    EXPECT_EQ(status.summary, "GLU calibration overdue: never done");
  }
  const TaskStatus runs =
      task_status(task(core::TaskFrequency::kEveryNRuns, 1000), std::nullopt, 0, now);
  EXPECT_EQ(runs.state, TaskState::kOverdue);
  EXPECT_EQ(runs.runs_left, 0);
}

TEST(TaskStatus, ARetiredTaskIsNeverDue) {
  core::InstrumentTask retired = task(core::TaskFrequency::kDaily);
  retired.active = false;
  const core::Instant now = at("2026-11-20T08:00:00Z");
  const TaskStatus never_done = task_status(retired, std::nullopt, 0, now);
  EXPECT_EQ(never_done.state, TaskState::kInactive);
  EXPECT_EQ(never_done.summary, "GLU calibration retired");
  const TaskStatus long_ago = task_status(retired, now - days(400), 0, now);
  EXPECT_EQ(long_ago.state, TaskState::kInactive);
  EXPECT_FALSE(long_ago.due_at.has_value());
}

TEST(TaskState, HasItsCodes) {
  EXPECT_EQ(to_code(TaskState::kOk), "ok");
  EXPECT_EQ(to_code(TaskState::kDue), "due");
  EXPECT_EQ(to_code(TaskState::kOverdue), "overdue");
  EXPECT_EQ(to_code(TaskState::kInactive), "inactive");
}

}  // namespace
}  // namespace aliquot::qc
