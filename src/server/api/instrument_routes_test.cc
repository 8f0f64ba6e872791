#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class InstrumentRoutesTest : public ApiTest {
 protected:
  InstrumentRoutesTest() { use(instrument_routes(api())); }

  std::vector<core::InstrumentTask> stored_tasks() {
    return must(read([](store::Transaction& tx) { return tx.list_instrument_tasks(""); }));
  }

  // Schedules a daily calibration of GLU on c311: its id.
  std::int64_t calibration() {
    const http::Response added = post("/api/instruments/c311/tasks", "mls",
                                      {{"name", "GLU calibration"},
                                       {"kind", "calibration"},
                                       {"test_code", "GLU"},
                                       {"frequency", "daily"}});
    EXPECT_EQ(added.status, 201) << added.body;
    return body_of(added)["id"].get<std::int64_t>();
  }

  static std::string task_path(std::int64_t id, const std::string& action) {
    return "/api/instruments/tasks/" + std::to_string(id) + "/" + action;
  }
};

TEST_F(InstrumentRoutesTest, SchedulesATaskOfAnInstrument) {
  const http::Response added = post("/api/instruments/c311/tasks", "mls",
                                    {{"name", "probe wash"},
                                     {"kind", "maintenance"},
                                     {"frequency", "runs"},
                                     {"every_runs", 500}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(body_of(added)["instrument"], "c311");
  EXPECT_EQ(body_of(added)["every_runs"], 500);
  const std::vector<core::InstrumentTask> tasks = stored_tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].name, "probe wash");
  EXPECT_EQ(tasks[0].frequency, core::TaskFrequency::kEveryNRuns);
  EXPECT_EQ(tasks[0].every_runs, 500);
  EXPECT_EQ(tasks[0].created_by, "mls");
}

TEST_F(InstrumentRoutesTest, AddRefusesMissingFieldsUnknownCodesATakenNameAndATechnician) {
  const http::Response no_name =
      post("/api/instruments/c311/tasks", "mls", {{"kind", "maintenance"}, {"frequency", "daily"}});
  EXPECT_EQ(no_name.status, 400);
  EXPECT_EQ(body_of(no_name)["error"], "field 'name': required, a string");
  const http::Response no_runs =
      post("/api/instruments/c311/tasks", "mls",
           {{"name", "wash"}, {"kind", "maintenance"}, {"frequency", "runs"}});
  EXPECT_EQ(no_runs.status, 400);
  EXPECT_EQ(body_of(no_runs)["error"],
            "field 'every_runs': required with frequency 'runs', a whole number");
  EXPECT_EQ(post("/api/instruments/c311/tasks", "mls",
                 {{"name", "wash"}, {"kind", "cleaning"}, {"frequency", "daily"}})
                .status,
            400);
  const http::Response unknown_test = post(
      "/api/instruments/c311/tasks", "mls",
      {{"name", "cal"}, {"kind", "calibration"}, {"test_code", "XYZ"}, {"frequency", "daily"}});
  EXPECT_EQ(unknown_test.status, 404);
  const http::Response tech =
      post("/api/instruments/c311/tasks", "tech",
           {{"name", "wash"}, {"kind", "maintenance"}, {"frequency", "daily"}});
  EXPECT_EQ(tech.status, 403);
  EXPECT_EQ(body_of(tech)["error"], "user 'tech' (technician) may not manage instrument schedules");
  EXPECT_TRUE(stored_tasks().empty());
  calibration();
  const http::Response again = post("/api/instruments/c311/tasks", "mls",
                                    {{"name", "GLU calibration"},
                                     {"kind", "calibration"},
                                     {"test_code", "GLU"},
                                     {"frequency", "daily"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(stored_tasks().size(), 1u);
}

TEST_F(InstrumentRoutesTest, ListsTasksWithTheirStateAndOnlyTheDueOnes) {
  const std::int64_t id = calibration();
  ASSERT_EQ(post("/api/instruments/c311/tasks", "mls",
                 {{"name", "weekly clean"}, {"kind", "maintenance"}, {"frequency", "weekly"}})
                .status,
            201);
  ASSERT_EQ(post(task_path(id, "done"), "tech", {{"note", "calibrator lot 12"}}).status, 201);
  const http::Response all = get("/api/instruments/tasks", "clerk");
  ASSERT_EQ(all.status, 200) << all.body;
  const json tasks = body_of(all)["tasks"];
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0]["task"]["name"], "GLU calibration");
  EXPECT_EQ(tasks[0]["state"], "ok");
  EXPECT_EQ(tasks[1]["state"], "overdue");  // never done
  const json due = body_of(get("/api/instruments/tasks?due=1", "clerk"))["tasks"];
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["task"]["name"], "weekly clean");
  EXPECT_EQ(get("/api/instruments/tasks?due=yes", "clerk").status, 400);
  EXPECT_TRUE(body_of(get("/api/instruments/tasks?instrument=c501", "clerk"))["tasks"].empty());
}

TEST_F(InstrumentRoutesTest, LogsATaskDone) {
  const std::int64_t id = calibration();
  clock_.advance(std::chrono::minutes(30));
  const http::Response done =
      post(task_path(id, "done"), "tech",
           {{"note", "calibrator lot 12"},
            {"done_at", core::format_instant(clock_.now() - std::chrono::minutes(5))}});
  ASSERT_EQ(done.status, 201) << done.body;
  const json body = body_of(done);
  EXPECT_EQ(body["task"]["id"], id);
  EXPECT_EQ(body["last"]["done_by"], "tech");
  EXPECT_EQ(body["last"]["note"], "calibrator lot 12");
  EXPECT_EQ(body["state"], "ok");
  const std::vector<core::InstrumentTaskLog> log =
      must(read([&](store::Transaction& tx) { return tx.instrument_task_log(id, 10); }));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].done_at, clock_.now() - std::chrono::minutes(5));
}

TEST_F(InstrumentRoutesTest, DoneRefusesACalibrationWithoutNoteAnUnknownTaskAndAClerk) {
  const std::int64_t id = calibration();
  const http::Response no_note = post(task_path(id, "done"), "tech");
  EXPECT_EQ(no_note.status, 400) << no_note.body;
  EXPECT_EQ(post(task_path(999, "done"), "tech", {{"note", "x"}}).status, 404);
  EXPECT_EQ(post("/api/instruments/tasks/x/done", "tech", {{"note", "x"}}).status, 400);
  const http::Response clerk = post(task_path(id, "done"), "clerk", {{"note", "x"}});
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(body_of(clerk)["error"],
            "user 'clerk' (clerk) may not log calibration and maintenance");
  EXPECT_TRUE(
      must(read([&](store::Transaction& tx) { return tx.instrument_task_log(id, 10); })).empty());
}

TEST_F(InstrumentRoutesTest, RetiresAndReactivatesATask) {
  const std::int64_t id = calibration();
  EXPECT_EQ(post(task_path(id, "retire"), "tech").status, 403);
  EXPECT_EQ(post(task_path(999, "retire"), "mls").status, 404);
  const http::Response retired = post(task_path(id, "retire"), "mls");
  ASSERT_EQ(retired.status, 200) << retired.body;
  EXPECT_EQ(body_of(retired)["active"], false);
  EXPECT_FALSE(stored_tasks()[0].active);
  const http::Response reactivated = post(task_path(id, "reactivate"), "super");
  ASSERT_EQ(reactivated.status, 200) << reactivated.body;
  EXPECT_EQ(body_of(reactivated)["active"], true);
  EXPECT_TRUE(stored_tasks()[0].active);
}

}  // namespace
}  // namespace aliquot::server::api
