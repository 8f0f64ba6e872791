#include "lab/instrument_tasks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class InstrumentTaskTest : public LabTest {
 protected:
  static AddInstrumentTask calibration(const std::string& instrument, const std::string& name,
                                       const std::string& test_code) {
    AddInstrumentTask command;
    command.instrument = instrument;
    command.name = name;
    command.kind = core::InstrumentTaskKind::kCalibration;
    command.test_code = test_code;
    command.frequency = core::TaskFrequency::kDaily;
    return command;
  }
  static AddInstrumentTask maintenance(const std::string& instrument, const std::string& name,
                                       core::TaskFrequency frequency, int every_runs = 0) {
    AddInstrumentTask command;
    command.instrument = instrument;
    command.name = name;
    command.kind = core::InstrumentTaskKind::kMaintenance;
    command.frequency = frequency;
    command.every_runs = every_runs;
    return command;
  }

  Result<core::InstrumentTask> add(const AddInstrumentTask& command,
                                   const std::string& user = "mls") {
    return write(
        [&](store::Transaction& tx) { return add_instrument_task(tx, as(user), command); });
  }
  Result<core::InstrumentTaskLog> log(const std::string& instrument, const std::string& name,
                                      const std::string& note,
                                      std::optional<core::Instant> done_at = std::nullopt,
                                      const std::string& user = "tech") {
    LogInstrumentTask command{instrument, name, done_at, note};
    return write(
        [&](store::Transaction& tx) { return log_instrument_task(tx, as(user), command); });
  }
  Result<core::InstrumentTask> set_active(const std::string& instrument, const std::string& name,
                                          bool active, const std::string& user = "mls") {
    return write([&](store::Transaction& tx) {
      return set_instrument_task_active(tx, as(user), instrument, name, active);
    });
  }
  std::vector<InstrumentTaskStatus> statuses(const std::string& instrument = "") {
    return must(read([&](store::Transaction& tx) {
      return instrument_task_statuses(tx, instrument, clock_.now());
    }));
  }
  std::optional<InstrumentTaskStatus> overdue(const std::string& instrument,
                                              const std::string& test_code) {
    return must(read([&](store::Transaction& tx) {
      return overdue_calibration(tx, instrument, test_code, clock_.now());
    }));
  }
  // One glucose measured on `instrument` now, on a new order of its own.
  void measure_glucose(const std::string& mrn, const std::string& instrument) {
    const core::Specimen serum = received_order(mrn, {"GLU"})[0];
    PostResults command;
    command.accession_number = serum.accession_number;
    command.values = {{"GLU", "95", "", "R1", {}}};
    command.source = instrument;
    command.instrument = instrument;
    must(write([&](store::Transaction& tx) { return post_results(tx, as("analyzer"), command); }));
  }
};

TEST_F(InstrumentTaskTest, AddsACalibrationOfOneAnalyteAndAuditsIt) {
  const std::size_t before = audit_size();
  const core::InstrumentTask task = must(add(calibration(" CHEM1 ", " GLU calibration ", "glu")));
  EXPECT_GT(task.id, 0);
  EXPECT_EQ(task.instrument, "CHEM1");
  EXPECT_EQ(task.name, "GLU calibration");
  EXPECT_EQ(task.kind, core::InstrumentTaskKind::kCalibration);
  EXPECT_EQ(task.test_code, "GLU");
  EXPECT_EQ(task.frequency, core::TaskFrequency::kDaily);
  EXPECT_TRUE(task.active);
  EXPECT_EQ(task.created_at, clock_.now());
  EXPECT_EQ(task.created_by, "mls");

  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "instrument.task.add");
  EXPECT_EQ(added[0].entity_type, "instrument_task");
  EXPECT_EQ(added[0].entity_key, "CHEM1/GLU calibration");
  EXPECT_EQ(added[0].test_code, "GLU");
  EXPECT_EQ(added[0].actor, "mls");
  EXPECT_NE(added[0].after.find("\"kind\":\"calibration\""), std::string::npos) << added[0].after;
}

TEST_F(InstrumentTaskTest, ATaskNeverDoneIsOverdueUntilItIsLogged) {
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  std::vector<InstrumentTaskStatus> listed = statuses();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status.state, qc::TaskState::kOverdue);
  EXPECT_FALSE(listed[0].last.has_value());
  EXPECT_EQ(listed[0].status.summary, "GLU calibration overdue: never done");

  clock_.advance(minutes(30));
  const std::size_t before = audit_size();
  const core::InstrumentTaskLog entry =
      must(log("CHEM1", "GLU calibration", " recalibrated, cal lot 1234, verification in range "));
  EXPECT_EQ(entry.done_at, clock_.now());
  EXPECT_EQ(entry.recorded_at, clock_.now());
  EXPECT_EQ(entry.done_by, "tech");
  EXPECT_EQ(entry.note, "recalibrated, cal lot 1234, verification in range");
  const std::vector<core::AuditEntry> done = audit_since(before);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].action, "instrument.task.done");
  EXPECT_EQ(done[0].entity_type, "instrument_task");
  EXPECT_EQ(done[0].entity_key, "CHEM1/GLU calibration");
  EXPECT_EQ(done[0].actor, "tech");

  listed = statuses("CHEM1");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status.state, qc::TaskState::kOk);
  ASSERT_TRUE(listed[0].last.has_value());
  EXPECT_EQ(listed[0].last->id, entry.id);
  EXPECT_EQ(listed[0].status.due_at, entry.done_at + hours(24));
  EXPECT_FALSE(overdue("CHEM1", "GLU").has_value());

  clock_.advance(hours(24));
  EXPECT_EQ(statuses()[0].status.state, qc::TaskState::kOverdue);
  const std::optional<InstrumentTaskStatus> late = overdue("CHEM1", "glu");
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->task.name, "GLU calibration");
  EXPECT_EQ(late->status.due_at, entry.done_at + hours(24));
}

TEST_F(InstrumentTaskTest, TheLastLogEntryCountsAndAnEarlierTimeMayBeGiven) {
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  must(log("CHEM1", "GLU calibration", "cal lot 1", clock_.now() - hours(30)));
  EXPECT_EQ(statuses()[0].status.state, qc::TaskState::kOverdue);
  must(log("CHEM1", "GLU calibration", "cal lot 2", clock_.now() - hours(2)));
  const std::vector<InstrumentTaskStatus> listed = statuses();
  EXPECT_EQ(listed[0].status.state, qc::TaskState::kOk);
  EXPECT_EQ(listed[0].last->note, "cal lot 2");
  EXPECT_EQ(listed[0].status.due_at, clock_.now() + hours(22));
}

TEST_F(InstrumentTaskTest, ListsTasksByInstrumentThenName) {
  must(add(maintenance("CHEM2", "daily maintenance", core::TaskFrequency::kDaily)));
  must(add(maintenance("CHEM1", "probe cleaning", core::TaskFrequency::kWeekly)));
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  const std::vector<InstrumentTaskStatus> all = statuses();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].task.instrument + "/" + all[0].task.name, "CHEM1/GLU calibration");
  EXPECT_EQ(all[1].task.instrument + "/" + all[1].task.name, "CHEM1/probe cleaning");
  EXPECT_EQ(all[2].task.instrument + "/" + all[2].task.name, "CHEM2/daily maintenance");
  EXPECT_EQ(statuses("CHEM2").size(), 1u);
  EXPECT_TRUE(statuses("HEME1").empty());
}

TEST_F(InstrumentTaskTest, OverdueCalibrationCoversItsAnalyteOrAllOfThem) {
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  must(add(maintenance("CHEM1", "daily maintenance", core::TaskFrequency::kDaily)));
  // Maintenance overdue never holds results; the glucose calibration holds only glucose.
  EXPECT_FALSE(overdue("CHEM1", "K").has_value());
  ASSERT_TRUE(overdue("CHEM1", "GLU").has_value());
  EXPECT_FALSE(overdue("CHEM2", "GLU").has_value());
  EXPECT_FALSE(overdue("", "GLU").has_value());

  must(add(calibration("CHEM1", "full calibration", "")));
  const std::optional<InstrumentTaskStatus> all = overdue("CHEM1", "K");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->task.name, "full calibration");

  must(set_active("CHEM1", "full calibration", false));
  EXPECT_FALSE(overdue("CHEM1", "K").has_value());
}

TEST_F(InstrumentTaskTest, ARunBasedTaskCountsTheResultsMeasuredSinceItWasDone) {
  AddInstrumentTask command = calibration("CHEM1", "GLU calibration", "GLU");
  command.frequency = core::TaskFrequency::kEveryNRuns;
  command.every_runs = 3;
  must(add(command));
  must(add(maintenance("CHEM1", "probe wash", core::TaskFrequency::kEveryNRuns, 20)));
  measure_glucose("MRN-0", "CHEM1");  // before the calibration: not counted
  clock_.advance(minutes(1));
  must(log("CHEM1", "GLU calibration", "cal lot 7"));
  must(log("CHEM1", "probe wash", ""));
  clock_.advance(minutes(1));

  measure_glucose("MRN-1", "CHEM1");
  measure_glucose("MRN-2", "CHEM2");  // another instrument: not counted
  std::vector<InstrumentTaskStatus> listed = statuses("CHEM1");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].task.name, "GLU calibration");
  EXPECT_EQ(listed[0].status.state, qc::TaskState::kOk);
  EXPECT_EQ(listed[0].status.runs_since, 1);
  EXPECT_EQ(listed[0].status.runs_left, 2);
  EXPECT_EQ(listed[1].status.runs_since, 1);
  EXPECT_EQ(listed[1].status.runs_left, 19);

  measure_glucose("MRN-3", "CHEM1");
  measure_glucose("MRN-4", "CHEM1");
  listed = statuses("CHEM1");
  EXPECT_EQ(listed[0].status.state, qc::TaskState::kOverdue);
  EXPECT_EQ(listed[0].status.runs_since, 3);
  EXPECT_EQ(listed[0].status.runs_left, 0);
  EXPECT_TRUE(overdue("CHEM1", "GLU").has_value());
  EXPECT_EQ(listed[1].status.state, qc::TaskState::kOk);
  EXPECT_EQ(listed[1].status.runs_left, 17);
}

TEST_F(InstrumentTaskTest, ARetiredTaskIsKeptInactiveAndCanBeReactivated) {
  must(add(maintenance("CHEM1", "daily maintenance", core::TaskFrequency::kDaily)));
  const std::size_t before = audit_size();
  const core::InstrumentTask retired = must(set_active("CHEM1", "daily maintenance", false));
  EXPECT_FALSE(retired.active);
  const std::vector<core::AuditEntry> updated = audit_since(before);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].action, "instrument.task.update");
  EXPECT_EQ(updated[0].entity_key, "CHEM1/daily maintenance");
  EXPECT_NE(updated[0].before.find("\"active\":true"), std::string::npos);
  EXPECT_NE(updated[0].after.find("\"active\":false"), std::string::npos);
  EXPECT_EQ(statuses()[0].status.state, qc::TaskState::kInactive);

  const Result<core::InstrumentTask> again = set_active("CHEM1", "daily maintenance", false);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(again.error().message(), "task 'daily maintenance' of CHEM1 is already retired");

  const Result<core::InstrumentTaskLog> logged = log("CHEM1", "daily maintenance", "");
  ASSERT_FALSE(logged.has_value());
  EXPECT_EQ(logged.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(logged.error().message(),
            "task 'daily maintenance' of CHEM1 is retired; reactivate it before logging it");

  EXPECT_TRUE(must(set_active("CHEM1", "daily maintenance", true, "super")).active);
  EXPECT_EQ(statuses()[0].status.state, qc::TaskState::kOverdue);
}

TEST_F(InstrumentTaskTest, OnlyTechnologistsAndAboveDefineSchedulesAndTechniciansLogThem) {
  const Result<core::InstrumentTask> by_tech = add(calibration("CHEM1", "GLU cal", "GLU"), "tech");
  ASSERT_FALSE(by_tech.has_value());
  EXPECT_EQ(by_tech.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(by_tech.error().message(),
            "user 'tech' (technician) may not manage instrument schedules");
  must(add(calibration("CHEM1", "GLU cal", "GLU"), "path"));
  EXPECT_FALSE(set_active("CHEM1", "GLU cal", false, "tech").has_value());

  const Result<core::InstrumentTaskLog> by_clerk = log("CHEM1", "GLU cal", "lot 1", {}, "clerk");
  ASSERT_FALSE(by_clerk.has_value());
  EXPECT_EQ(by_clerk.error().message(),
            "user 'clerk' (clerk) may not log calibration and maintenance");
  EXPECT_TRUE(log("CHEM1", "GLU cal", "lot 1", {}, "mls").has_value());
}

TEST_F(InstrumentTaskTest, RefusesTasksThatCannotBeScheduled) {
  const auto refusal = [&](const AddInstrumentTask& command) {
    const Result<core::InstrumentTask> added = add(command);
    EXPECT_FALSE(added.has_value());
    return added.has_value() ? std::pair(ErrorCode::kInternal, std::string("added"))
                             : std::pair(added.error().code(), added.error().message());
  };
  const std::size_t before = audit_size();
  EXPECT_EQ(refusal(calibration(" ", "GLU calibration", "GLU")),
            std::pair(ErrorCode::kInvalidArgument,
                      std::string("an instrument task needs the instrument (its profile id)")));
  EXPECT_EQ(refusal(calibration("CHEM1", "", "GLU")),
            std::pair(ErrorCode::kInvalidArgument,
                      std::string("a task of instrument CHEM1 needs a name")));
  EXPECT_EQ(
      refusal(calibration("CHEM1", "XYZ calibration", "XYZ")),
      std::pair(ErrorCode::kNotFound, std::string("unknown test code 'XYZ' (not in catalog '" +
                                                  catalog_->name() + "')")));
  AddInstrumentTask with_test = maintenance("CHEM1", "probe", core::TaskFrequency::kDaily);
  with_test.test_code = "GLU";
  EXPECT_EQ(refusal(with_test),
            std::pair(ErrorCode::kInvalidArgument,
                      std::string("maintenance task 'probe' of CHEM1 cannot name a test ('GLU'): "
                                  "only a calibration is of one analyte")));
  EXPECT_EQ(refusal(maintenance("CHEM1", "wash", core::TaskFrequency::kEveryNRuns, 0)),
            std::pair(ErrorCode::kInvalidArgument,
                      std::string("task 'wash' of CHEM1 is done every N runs: N must be at least "
                                  "1, not 0")));
  EXPECT_EQ(refusal(maintenance("CHEM1", "wash", core::TaskFrequency::kWeekly, 50)),
            std::pair(ErrorCode::kInvalidArgument,
                      std::string("task 'wash' of CHEM1 is weekly: a run count (50) is only for a "
                                  "task done every N runs")));
  EXPECT_EQ(audit_size(), before);

  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  EXPECT_EQ(refusal(calibration("CHEM1", "GLU calibration", "K")),
            std::pair(ErrorCode::kAlreadyExists,
                      std::string("instrument CHEM1 already has a task 'GLU calibration'")));
  // The same name on another instrument is another task.
  EXPECT_TRUE(add(calibration("CHEM2", "GLU calibration", "GLU")).has_value());
}

TEST_F(InstrumentTaskTest, RefusesALogThatCannotBeTrue) {
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  const std::size_t before = audit_size();

  const Result<core::InstrumentTaskLog> no_note = log("CHEM1", "GLU calibration", "  ");
  ASSERT_FALSE(no_note.has_value());
  EXPECT_EQ(no_note.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_note.error().message(),
            "calibration task 'GLU calibration' of CHEM1 is logged with a note of what was done "
            "(calibrator lot, verification of the calibration)");

  clock_.set(at("2026-03-10T09:00:00Z"));
  const Result<core::InstrumentTaskLog> future =
      log("CHEM1", "GLU calibration", "lot 1", clock_.now() + minutes(5));
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(future.error().message(),
            "done time 2026-03-10T09:05:00Z is in the future (now 2026-03-10T09:00:00Z)");

  const Result<core::InstrumentTaskLog> unknown = log("CHEM1", "K calibration", "lot 1");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "instrument CHEM1 has no task 'K calibration'");
  EXPECT_EQ(audit_size(), before);
  EXPECT_FALSE(statuses()[0].last.has_value());
}

TEST_F(InstrumentTaskTest, StatusesHaveOneJsonForm) {
  must(add(calibration("CHEM1", "GLU calibration", "GLU")));
  const nlohmann::json never = to_json(statuses()[0]);
  EXPECT_EQ(never["task"]["instrument"], "CHEM1");
  EXPECT_EQ(never["task"]["kind"], "calibration");
  EXPECT_EQ(never["task"]["frequency"], "daily");
  EXPECT_TRUE(never["task"]["every_runs"].is_null());
  EXPECT_TRUE(never["last"].is_null());
  EXPECT_EQ(never["state"], "overdue");
  EXPECT_TRUE(never["due_at"].is_null());
  EXPECT_TRUE(never["runs_left"].is_null());
  clock_.set(at("2026-03-10T09:30:00Z"));
  must(log("CHEM1", "GLU calibration", "lot 1"));
  const nlohmann::json done = to_json(statuses()[0]);
  EXPECT_EQ(done["state"], "ok");
  EXPECT_EQ(done["due_at"], "2026-03-11T09:30:00Z");
  EXPECT_EQ(done["last"]["done_by"], "tech");
  EXPECT_EQ(done["last"]["note"], "lot 1");
}

}  // namespace
}  // namespace aliquot::lab
