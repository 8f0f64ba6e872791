// `aliquot instrument task ...` and `aliquot instrument tasks`: calibration and maintenance
// scheduled, logged and reported; `aliquot qc policy check|show`: the QC policy as data.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliInstrumentTest : public CliTest {
 protected:
  // The task of `tasks --json` named `name`; fails the test when it is not listed.
  nlohmann::json task_status(const std::string& name) {
    const nlohmann::json listed = succeed_json({"instrument", "tasks"}, kClerk);
    for (const nlohmann::json& status : listed) {
      if (status["task"]["name"] == name) return status;
    }
    ADD_FAILURE() << "no task " << name << " in " << listed.dump(2);
    return nlohmann::json::object();
  }
};

TEST_F(CliInstrumentTest, ANewCalibrationIsOverdueUntilItIsLogged) {
  EXPECT_EQ(succeed({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind",
                     "calibration", "--test", "glu", "--every", "daily"},
                    kTechnologist)
                .out,
            "task 'GLU calibration' of CHEM1 added: calibration of GLU, daily; overdue until it is "
            "first logged (aliquot instrument task done)\n");

  nlohmann::json status = task_status("GLU calibration");
  EXPECT_EQ(status["state"], "overdue");
  EXPECT_TRUE(status["last"].is_null());
  EXPECT_EQ(status["task"]["test_code"], "GLU");
  EXPECT_EQ(status["task"]["kind"], "calibration");
  EXPECT_EQ(status["task"]["frequency"], "daily");
  EXPECT_EQ(status["task"]["created_by"], kTechnologist);
  EXPECT_EQ(status["summary"], "GLU calibration overdue: never done");

  const CommandOutput table = succeed({"instrument", "tasks"}, kClerk);
  EXPECT_THAT(table.out, HasSubstr("CHEM1"));
  EXPECT_THAT(table.out, HasSubstr("never"));
  EXPECT_THAT(table.out, HasSubstr("overdue"));
  EXPECT_THAT(table.out, HasSubstr("1 task: 1 overdue, 0 due\n"));
  EXPECT_EQ(succeed_json({"instrument", "tasks", "--due"}, kClerk).size(), 1u);

  const CommandOutput done = succeed({"instrument", "task", "done", "CHEM1", "GLU calibration",
                                      "--note", "cal lot 1234, verification in range"},
                                     kTechnician);
  EXPECT_THAT(done.out, HasSubstr("task 'GLU calibration' of CHEM1 done at "));
  EXPECT_THAT(done.out, HasSubstr(" by tech1\nGLU calibration ok, due at "));

  status = task_status("GLU calibration");
  EXPECT_EQ(status["state"], "ok");
  EXPECT_EQ(status["last"]["done_by"], kTechnician);
  EXPECT_EQ(status["last"]["note"], "cal lot 1234, verification in range");
  EXPECT_FALSE(status["due_at"].is_null());
  EXPECT_EQ(succeed_json({"instrument", "tasks", "--due"}, kClerk), nlohmann::json::array());
  EXPECT_EQ(succeed({"instrument", "tasks", "--due"}, kClerk).out, "no instrument task is due\n");
  EXPECT_EQ(succeed({"instrument", "tasks", "HEME1"}, kClerk).out, "no instrument tasks\n");
}

TEST_F(CliInstrumentTest, ATaskLoggedLongAgoIsOverdueSinceItsDueTime) {
  succeed({"instrument", "task", "add", "CHEM1", "daily maintenance", "--kind", "maintenance",
           "--every", "daily"},
          kTechnologist);
  const nlohmann::json done = succeed_json(
      {"instrument", "task", "done", "CHEM1", "daily maintenance", "--at", "2020-01-01T08:00Z"},
      kTechnician);
  EXPECT_EQ(done["last"]["done_at"], "2020-01-01T08:00:00Z");
  EXPECT_EQ(done["last"]["note"], "");
  EXPECT_EQ(done["state"], "overdue");
  EXPECT_EQ(done["due_at"], "2020-01-02T08:00:00Z");
  EXPECT_EQ(done["summary"], "daily maintenance overdue since 2020-01-02T08:00:00Z");
  const nlohmann::json due = succeed_json({"instrument", "tasks", "CHEM1", "--due"}, kClerk);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]["task"]["name"], "daily maintenance");
}

TEST_F(CliInstrumentTest, ARunBasedTaskCountsRunsLeft) {
  const nlohmann::json added = succeed_json({"instrument", "task", "add", "CHEM1", "probe wash",
                                             "--kind", "maintenance", "--every", "500-runs"},
                                            kTechnologist);
  EXPECT_EQ(added["frequency"], "runs");
  EXPECT_EQ(added["every_runs"], 500);
  EXPECT_EQ(task_status("probe wash")["state"], "overdue");

  succeed({"instrument", "task", "done", "CHEM1", "probe wash"}, kTechnician);
  const nlohmann::json status = task_status("probe wash");
  EXPECT_EQ(status["state"], "ok");
  EXPECT_EQ(status["runs_since"], 0);
  EXPECT_EQ(status["runs_left"], 500);
  EXPECT_TRUE(status["due_at"].is_null());
  const CommandOutput table = succeed({"instrument", "tasks", "CHEM1"}, kClerk);
  EXPECT_THAT(table.out, HasSubstr("every 500 runs"));
  EXPECT_THAT(table.out, HasSubstr("500 runs left"));
}

TEST_F(CliInstrumentTest, ARetiredTaskIsInactiveUntilReactivated) {
  succeed({"instrument", "task", "add", "CHEM1", "probe wash", "--kind", "maintenance", "--every",
           "weekly"},
          kTechnologist);
  EXPECT_EQ(succeed({"instrument", "task", "retire", "CHEM1", "probe wash"}, kTechnologist).out,
            "task 'probe wash' of CHEM1 retired\n");
  EXPECT_EQ(task_status("probe wash")["state"], "inactive");
  EXPECT_EQ(succeed_json({"instrument", "tasks", "--due"}, kClerk), nlohmann::json::array());

  const CommandOutput logged =
      lab_.run({"instrument", "task", "done", "CHEM1", "probe wash"}, kTechnician);
  EXPECT_EQ(logged.exit_code, 1) << ::testing::PrintToString(logged);
  EXPECT_EQ(logged.err,
            "aliquot: task 'probe wash' of CHEM1 is retired; reactivate it before logging it\n");

  const nlohmann::json back =
      succeed_json({"instrument", "task", "reactivate", "CHEM1", "probe wash"}, kTechnologist);
  EXPECT_EQ(back["active"], true);
  EXPECT_EQ(task_status("probe wash")["state"], "overdue");
}

TEST_F(CliInstrumentTest, RefusesWhatCannotBeScheduledOrLogged) {
  const auto refused = [&](const std::vector<std::string>& args, const std::string& user,
                           int exit_code, const std::string& err) {
    const CommandOutput output = lab_.run(args, user);
    EXPECT_EQ(output.exit_code, exit_code) << ::testing::PrintToString(output);
    EXPECT_EQ(output.err, err) << ::testing::PrintToString(output);
  };
  refused({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibrate",
           "--every", "daily"},
          kTechnologist, 2,
          "aliquot: --kind: 'calibrate' is not a kind of task: calibration or maintenance\n");
  refused({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibration",
           "--every", "fortnightly"},
          kTechnologist, 2,
          "aliquot: --every: 'fortnightly' is not a frequency: daily, weekly, monthly or N-runs "
          "(e.g. 500-runs)\n");
  refused({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibration",
           "--every", "-5-runs"},
          kTechnologist, 2,
          "aliquot: --every: '-5-runs' is not a frequency: daily, weekly, monthly or N-runs "
          "(e.g. 500-runs)\n");
  refused({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibration",
           "--test", "GLU", "--every", "daily"},
          kTechnician, 1,
          "aliquot: user 'tech1' (technician) may not manage instrument schedules\n");
  EXPECT_EQ(succeed_json({"instrument", "tasks"}, kClerk), nlohmann::json::array());

  succeed({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibration",
           "--test", "GLU", "--every", "monthly"},
          kTechnologist);
  refused({"instrument", "task", "add", "CHEM1", "GLU calibration", "--kind", "calibration",
           "--every", "daily"},
          kTechnologist, 1, "aliquot: instrument CHEM1 already has a task 'GLU calibration'\n");
  refused({"instrument", "task", "done", "CHEM1", "GLU calibration"}, kTechnician, 2,
          "aliquot: calibration task 'GLU calibration' of CHEM1 is logged with a note of what was "
          "done (calibrator lot, verification of the calibration)\n");
  const CommandOutput bad_time = lab_.run({"instrument", "task", "done", "CHEM1", "GLU calibration",
                                           "--note", "lot 1", "--at", "yesterday"},
                                          kTechnician);
  EXPECT_EQ(bad_time.exit_code, 2) << ::testing::PrintToString(bad_time);
  EXPECT_THAT(bad_time.err, HasSubstr("aliquot: --at: "));
  EXPECT_THAT(bad_time.err, HasSubstr("yesterday"));
  refused({"instrument", "task", "done", "CHEM2", "GLU calibration", "--note", "lot 1"},
          kTechnician, 1, "aliquot: instrument CHEM2 has no task 'GLU calibration'\n");
  refused({"instrument", "task", "done", "CHEM1", "GLU calibration", "--note", "lot 1"}, kClerk, 1,
          "aliquot: user 'clerk1' (clerk) may not log calibration and maintenance\n");
  EXPECT_TRUE(task_status("GLU calibration")["last"].is_null());
}

std::string read_source_file(const std::string& relative) {
  std::ifstream in(source_directory() + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(QcPolicyCommand, ShowsTheBuiltInPolicyAsWrittenAndAsRead) {
  CliRunner runner;
  const CommandOutput shown = runner.run_raw({"qc", "policy", "show", "--default"});
  EXPECT_EQ(shown.exit_code, 0) << ::testing::PrintToString(shown);
  const std::string file = read_source_file("catalog/qc_policy.toml");
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(shown.out, file);

  const CommandOutput json = runner.run_raw({"qc", "policy", "show", "--default", "--json"});
  EXPECT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  const nlohmann::json policy = nlohmann::json::parse(json.out);
  EXPECT_EQ(policy["defaults"]["rules"],
            nlohmann::json::array({"1-3s", "2-2s", "R-4s", "4-1s", "10-x"}));
  EXPECT_EQ(policy["defaults"]["interval"], "24h");
  EXPECT_EQ(policy["defaults"]["interval_minutes"], 1440);
  EXPECT_EQ(policy["defaults"]["after_rejection"], "rerun");
  EXPECT_EQ(policy["defaults"]["establish_minimum"], 20);
}

TEST_F(CliInstrumentTest, ALabLoadsItsOwnQcPolicyAndShowsTheOneInForce) {
  EXPECT_EQ(succeed_json({"qc", "policy", "show"}, kClerk)["source"], "default");
  const std::string file = lab_.write_file("riverside-qc.toml", R"toml([qc_policy]
name = "Riverside QC"
version = "3"
rules = "1-3s,2-2s,R-4s"
interval = "8h"
after_rejection = "release"

[[analyte]]
code = "NA"
rules = "1-3s"
)toml");
  const CommandOutput loaded = succeed({"qc", "policy", "load", file}, kTechnologist);
  EXPECT_THAT(loaded.out,
              HasSubstr("loaded Riverside QC 3 from " + file + " as QC policy version 1"));

  const nlohmann::json shown = succeed_json({"qc", "policy", "show"}, kClerk);
  EXPECT_EQ(shown["source"], "lab version 1 (" + file + ")");
  EXPECT_EQ(shown["defaults"]["interval"], "8h");
  EXPECT_EQ(shown["defaults"]["after_rejection"], "release");
  EXPECT_EQ(shown["analytes"][0]["code"], "NA");
  const CommandOutput text = succeed({"qc", "policy", "show"}, kClerk);
  EXPECT_THAT(text.out, HasSubstr("# lab version 1 (" + file + "), loaded "));
  EXPECT_THAT(text.out, HasSubstr("name = \"Riverside QC\""));
  EXPECT_EQ(succeed_json({"qc", "policy", "show", "--default"}, kClerk)["source"], "default");

  const CommandOutput again = lab_.run({"qc", "policy", "load", file}, kTechnologist);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("is identical to version 1 already in force"));
  const CommandOutput by_clerk = lab_.run({"qc", "policy", "load", file}, kClerk);
  EXPECT_EQ(by_clerk.err,
            "aliquot: user 'clerk1' (clerk) may not manage QC materials and targets\n");
  const std::string typo = lab_.write_file("typo-qc.toml", R"toml([qc_policy]
name = "Riverside QC"
version = "4"
rules = "1-3s"
interval = "8h"

[[analyte]]
code = "NAX"
)toml");
  const CommandOutput refused = lab_.run({"qc", "policy", "load", typo}, kTechnologist);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr(typo + ": [[analyte]] NAX is not a test of catalog"));
}

TEST(QcPolicyCommand, ChecksALabsPolicyFile) {
  CliRunner runner;
  const std::string good = runner.write_file("good.toml", R"toml([qc_policy]
name = "Riverside QC"
version = "2"
rules = "1-3s/2-2s/R-4s"
interval = "8h"

[[analyte]]
code = "glu"
rules = "1-3s"
interval = "0"
)toml");
  const CommandOutput accepted = runner.run_raw({"qc", "policy", "check", good});
  EXPECT_EQ(accepted.exit_code, 0) << ::testing::PrintToString(accepted);
  EXPECT_THAT(accepted.out, HasSubstr(good + ": ok, Riverside QC version 2\n"));
  EXPECT_THAT(accepted.out, HasSubstr("GLU"));
  EXPECT_THAT(accepted.out, HasSubstr("no limit"));

  const std::string bad = runner.write_file("bad.toml", R"toml([qc_policy]
name = "Riverside QC"
version = "2"
rules = "1-3s,2-2x"
interval = "24"
establish_minimum = 1
)toml");
  const CommandOutput refused = runner.run_raw({"qc", "policy", "check", bad});
  EXPECT_EQ(refused.exit_code, 1) << ::testing::PrintToString(refused);
  EXPECT_THAT(refused.out, HasSubstr(bad + ":4:9: key 'rules' of [qc_policy] is not a list of "
                                           "control rules: unknown control rule '2-2x' (did you "
                                           "mean 2-2s?)"));
  EXPECT_THAT(refused.out,
              HasSubstr(bad + ":5:12: key 'interval' of [qc_policy] is not a duration"));
  EXPECT_THAT(refused.out, HasSubstr(bad + ":6:21: key 'establish_minimum' of [qc_policy] must "
                                           "be at least 2"));
  EXPECT_EQ(refused.err, "aliquot: " + bad + ": 3 problems\n");

  const CommandOutput json = runner.run_raw({"qc", "policy", "check", bad, "--json"});
  EXPECT_EQ(json.exit_code, 1);
  const nlohmann::json body = nlohmann::json::parse(json.out);
  EXPECT_EQ(body["ok"], false);
  EXPECT_TRUE(body["policy"].is_null());
  ASSERT_EQ(body["diagnostics"].size(), 3u);
  EXPECT_EQ(body["diagnostics"][1]["line"], 5);
  EXPECT_EQ(body["diagnostics"][1]["column"], 12);
  EXPECT_THAT(json.out, Not(HasSubstr("\"ok\": true")));
}

}  // namespace
}  // namespace aliquot::cli_test
