// The lab's quality control through the `aliquot` command, with an analyzer reporting over HL7
// to `aliquot serve`: control materials and targets, runs entered by hand and reported by the
// analyzer, a rejected run holding the patient result measured after it, the corrective action,
// the rerun, and the lab's own Levey-Jennings chart and monthly summary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli_fixture.h"
#include "interfaces/child_process.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;

// An analyzer that sends ORU^R01 over MLLP, its test codes the catalog's.
constexpr const char* kAnalyzerProfile = R"toml(
[instrument]
id = "chem-a"
name = "Chemistry analyzer A"
protocol = "hl7"
sender = "CHEM-A"

[codes]
"GLU" = "GLU"
)toml";

// The current month in UTC, "2026-11": the lab's zone is set to UTC below.
std::string this_month() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day date{today};
  const unsigned month = static_cast<unsigned>(date.month());
  return std::to_string(static_cast<int>(date.year())) + (month < 10 ? "-0" : "-") +
         std::to_string(month);
}

class CliQcLabTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    succeed({"outbox", "setting", "lab.time_zone", "UTC"}, kAdmin);
    std::filesystem::create_directories(instruments_);
    std::ofstream(instruments_ + "/chem-a.toml") << kAnalyzerProfile;
  }

  // `aliquot serve` with the analyzer's profile, listening for HL7 on a free port.
  std::optional<std::uint16_t> serve() {
    server_.emplace(std::vector<std::string>{"--db", lab_.database_path(), "serve", "--mllp",
                                             "127.0.0.1:0", "--instruments", instruments_},
                    lab_.directory() + "/serve.err");
    return server_->listening_port("mllp");
  }

  // Sends `segments` (joined with CR) from the analyzer through the server; what `hl7 send`
  // printed: "MSH-10 MSA-1 MSA-3".
  std::string send(const std::vector<std::string>& segments) {
    std::string text;
    for (const std::string& segment : segments) text += segment + "\r";
    const std::string file = lab_.write_file("message-" + std::to_string(++sent_) + ".hl7", text);
    const CommandOutput sent =
        lab_.run({"hl7", "send", file, "--to", "127.0.0.1:" + std::to_string(port_)}, "");
    EXPECT_EQ(sent.exit_code, 0) << ::testing::PrintToString(sent);
    return sent.out;
  }

  static std::string header(const std::string& control_id) {
    return "MSH|^~\\&|CHEM-A|LAB|ALIQUOT|LAB|20260101000000||ORU^R01^ORU_R01|" + control_id +
           "|P|2.5.1";
  }

  // A patient's glucose measured now.
  std::string send_glucose(const std::string& control_id, const std::string& accession,
                           const std::string& value) {
    return send({header(control_id), "OBR|1||" + accession + "|GLU^Glucose",
                 "OBX|1|NM|GLU^Glucose||" + value + "|mg/dL|||||F"});
  }

  nlohmann::json result_of(const std::string& accession) {
    return succeed_json({"result", "show", accession, "GLU"}, kTechnician);
  }

  CommandOutput record(const std::string& level1, const std::string& level2) {
    return lab_.run({"qc", "record", "--instrument", "chem-a", "--test", "GLU", "--value",
                     "26451/1=" + level1, "--value", "26452/2=" + level2},
                    kTechnician);
  }

  std::string instruments_ = lab_.directory() + "/instruments";
  std::optional<interfaces_test::ChildProcess> server_;
  std::uint16_t port_ = 0;
  int sent_ = 0;
};

TEST_F(CliQcLabTest, ARejectedRunHoldsTheNextResultUntilCorrectedAndMeasuredAgain) {
  // The technologist sets up the control materials, their package insert targets, and the
  // sample id the analyzer reports level 1 under; a technician may not.
  for (const auto& [lot, level] : {std::pair{"26451", "1"}, std::pair{"26452", "2"}}) {
    succeed({"qc", "material", "add", "--product", "Liquichek Chemistry", "--manufacturer", "Acme",
             "--lot", lot, "--level", level, "--expires", "2099-12-31"},
            kTechnologist);
  }
  const CommandOutput not_allowed =
      lab_.run({"qc", "target", "set", "--lot", "26451", "--level", "1", "--instrument", "chem-a",
                "--test", "GLU", "--mean", "100", "--sd", "2"},
               kTechnician);
  EXPECT_EQ(not_allowed.exit_code, 1) << ::testing::PrintToString(not_allowed);
  succeed({"qc", "target", "set", "--lot", "26451", "--level", "1", "--instrument", "chem-a",
           "--test", "GLU", "--mean", "100", "--sd", "2"},
          kTechnologist);
  succeed({"qc", "target", "set", "--lot", "26452", "--level", "2", "--instrument", "chem-a",
           "--test", "GLU", "--mean", "250", "--sd", "5"},
          kTechnologist);
  succeed({"qc", "sample-id", "set", "--instrument", "chem-a", "--sample-id", "QC-26451", "--lot",
           "26451", "--level", "1"},
          kTechnologist);
  EXPECT_EQ(succeed_json({"qc", "material", "list"}, kTechnician).size(), 2u);
  const nlohmann::json targets = succeed_json(
      {"qc", "target", "list", "--instrument", "chem-a", "--test", "GLU"}, kTechnician);
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1]["lot"], "26452");
  EXPECT_EQ(targets[1]["mean"], 250.0);

  // QC accepted; then a patient glucose from the analyzer autoverifies.
  const CommandOutput first_run = record("101", "252");
  ASSERT_EQ(first_run.exit_code, 0) << ::testing::PrintToString(first_run);
  EXPECT_THAT(first_run.out, HasSubstr("QC run 1 chem-a/GLU measured"));
  EXPECT_THAT(first_run.out, HasSubstr(": accept\n"));

  const std::optional<std::uint16_t> port = serve();
  ASSERT_TRUE(port.has_value()) << server_->output();
  port_ = *port;
  const std::string first = accession_with(received_order("MRN-QC1", "GLU"), "GLU");
  EXPECT_THAT(send_glucose("P-1", first, "95"), HasSubstr("P-1 AA 1 result(s) recorded"));
  EXPECT_EQ(result_of(first)["result"]["status"], "final");

  // The analyzer runs level 1 under its sample id, as it reports patient samples: a QC run.
  EXPECT_THAT(
      send({header("Q-1"), "OBR|1||QC-26451|GLU^Glucose", "OBX|1|NM|GLU^Glucose||99|mg/dL|||||F"}),
      HasSubstr("Q-1 AA 1 QC run(s) recorded: GLU accept"));
  // Released after that run: a later rejection finds it already out, to review.
  const std::string out_before = accession_with(received_order("MRN-QC0", "GLU"), "GLU");
  EXPECT_THAT(send_glucose("P-0", out_before, "94"), HasSubstr("P-0 AA 1 result(s) recorded"));
  EXPECT_EQ(result_of(out_before)["result"]["status"], "final");

  // Level 2 five SD high: rejected (exit status 1), with the rule and its value.
  const CommandOutput rejected = record("101", "275");
  EXPECT_EQ(rejected.exit_code, 1) << ::testing::PrintToString(rejected);
  EXPECT_THAT(rejected.out, HasSubstr("QC run 3 chem-a/GLU measured"));
  EXPECT_THAT(rejected.out, HasSubstr(": reject\n"));
  EXPECT_THAT(rejected.out, HasSubstr("1-3s within run: level 2 run 3 (+5 SD) [reject]"));
  EXPECT_THAT(rejected.err,
              HasSubstr("QC run 3 of chem-a/GLU is rejected: patient results of GLU are held; "
                        "document the corrective action with `aliquot qc correct 3 --action "
                        "TEXT` and run QC again"));

  // The next patient glucose is held, and says why.
  const std::string second = accession_with(received_order("MRN-QC2", "GLU"), "GLU");
  EXPECT_THAT(send_glucose("P-2", second, "96"), HasSubstr("P-2 AA 1 result(s) recorded"));
  const nlohmann::json held = result_of(second);
  EXPECT_EQ(held["result"]["status"], "preliminary");
  ASSERT_EQ(held["holds"].size(), 1u) << held.dump(2);
  EXPECT_EQ(held["holds"][0]["category"], "quality-control");
  EXPECT_THAT(held["holds"][0]["observed"].get<std::string>(),
              testing::StartsWith("QC rejected at "));
  EXPECT_EQ(held["result"]["instrument"], "chem-a");
  EXPECT_EQ(held["result"]["performed_by"], "");  // the message names no operator
  const std::string shown = succeed({"result", "show", second, "GLU"}, kTechnician).out;
  EXPECT_THAT(shown, HasSubstr("QC rejected at "));
  EXPECT_THAT(shown, testing::ContainsRegex("Measured +on chem-a at "));
  const CommandOutput worklist = succeed({"worklist", "chemistry"}, kTechnician);
  EXPECT_THAT(worklist.out, testing::ContainsRegex(second + " .* GLU +preliminary +96"));

  // Nobody releases it while the run stands rejected.
  const CommandOutput release = lab_.run({"result", "release", second, "GLU"}, kTechnologist);
  EXPECT_EQ(release.exit_code, 1) << ::testing::PrintToString(release);
  EXPECT_THAT(release.err, HasSubstr("is held by QC run 3 of GLU on chem-a"));
  const nlohmann::json open = succeed_json({"qc", "held"}, kTechnician);
  ASSERT_EQ(open.size(), 2u) << open.dump(2);
  for (const nlohmann::json& hold : open) {
    EXPECT_EQ(hold["run_id"], 3);
    const bool is_second = hold["result"]["accession_number"] == second;
    EXPECT_EQ(hold["result"]["accession_number"], is_second ? second : out_before);
    EXPECT_EQ(hold["state"], is_second ? "held" : "released-to-review") << hold.dump(2);
  }

  // The default policy says rerun: the held result is measured again, not released.
  const CommandOutput by_policy = lab_.run({"qc", "release-held", "3"}, kTechnologist);
  EXPECT_EQ(by_policy.exit_code, 1) << ::testing::PrintToString(by_policy);
  EXPECT_THAT(by_policy.err, HasSubstr("policy for GLU is rerun: measure the held results again"));

  // The corrective action, QC accepted again, and the glucose measured again autoverifies.
  EXPECT_THAT(
      succeed({"qc", "correct", "3", "--action", "reagent lot changed, recalibrated"}, kTechnician)
          .out,
      HasSubstr("QC run 3 chem-a/GLU: corrective action documented by tech1"));
  const CommandOutput rerun = record("100", "249");
  EXPECT_EQ(rerun.exit_code, 0) << ::testing::PrintToString(rerun);
  EXPECT_THAT(send_glucose("P-3", second, "97"), HasSubstr("P-3 AA 1 result(s) recorded"));
  EXPECT_EQ(result_of(second)["result"]["status"], "final");
  // The result that went out before the failure was known is reviewed by a technologist.
  EXPECT_EQ(lab_.run({"qc", "review", "3"}, kTechnician).exit_code, 1);
  EXPECT_EQ(succeed({"qc", "review", "3", "--note", "consistent with history"}, kTechnologist).out,
            "QC run 3: 1 result(s) released before the failure marked reviewed\n");
  EXPECT_EQ(succeed({"qc", "held"}, kTechnician).out, "no patient result is held by QC\n");
  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait(), 0) << server_->output();

  // The history as judged, with the corrective action.
  const nlohmann::json runs =
      succeed_json({"qc", "runs", "--instrument", "chem-a", "--test", "GLU"}, kTechnician);
  ASSERT_EQ(runs.size(), 4u) << runs.dump(2);
  EXPECT_EQ(runs[1]["source"], "HL7 chem-a message Q-1");
  EXPECT_EQ(runs[2]["status"], "reject");
  EXPECT_EQ(runs[2]["violations"][0]["rule"], "1-3s");
  EXPECT_EQ(runs[2]["corrective_action"], "reagent lot changed, recalibrated");
  EXPECT_EQ(runs[3]["status"], "accept");

  // Level 2's Levey-Jennings chart from the lab's runs: the rejected value marked, the
  // corrective action drawn.
  const std::string chart = lab_.directory() + "/glu-level2.svg";
  EXPECT_EQ(
      succeed(
          {"qc", "chart", "--instrument", "chem-a", "--test", "GLU", "--level", "2", "-o", chart},
          kTechnician)
          .out,
      "chem-a/GLU level 2 lot 26452: 3 values, 1 marked by the rules, written to " + chart + "\n");
  const std::string svg = test_support::read_file(chart);
  EXPECT_THAT(svg, HasSubstr("1-3s"));
  EXPECT_THAT(svg, HasSubstr("275"));
  EXPECT_THAT(svg, HasSubstr("corrective action (run 3)"));
  EXPECT_THAT(svg, HasSubstr("mg/dL"));

  // This month's summary: the rejected value is left out of the statistics and counted apart.
  const nlohmann::json summary = succeed_json(
      {"qc", "summary", "--instrument", "chem-a", "--test", "GLU", "--month", this_month()},
      kTechnician);
  EXPECT_EQ(summary["runs"], 4);
  const nlohmann::json& levels = summary["levels"];
  ASSERT_EQ(levels.size(), 2u) << summary.dump(2);
  EXPECT_EQ(levels[0]["level"], "1");
  EXPECT_EQ(levels[0]["n"], 3);  // 101, 99, 100; 101 of the rejected run apart
  EXPECT_DOUBLE_EQ(levels[0]["mean"].get<double>(), 100.0);
  EXPECT_EQ(levels[1]["lot"], "26452");
  EXPECT_EQ(levels[1]["n"], 2);  // 252, 249
  EXPECT_DOUBLE_EQ(levels[1]["mean"].get<double>(), 250.5);
  EXPECT_NEAR(levels[1]["bias_percent"].get<double>(), 0.2, 1e-9);
  EXPECT_EQ(levels[1]["rejected_values"], 1);
  EXPECT_EQ(levels[1]["rule_counts"], nlohmann::json({{"1-3s", 1}}));
}

TEST_F(CliQcLabTest, ChartsEachLevelAndLotOfTheMonthAndSummarisesIt) {
  // Level 1 changes lot at the start of March; level 2 keeps its lot.
  for (const auto& [lot, level, mean, sd] :
       {std::tuple{"26451", "1", "100", "2"}, std::tuple{"27001", "1", "102", "2"},
        std::tuple{"26452", "2", "250", "5"}}) {
    succeed({"qc", "material", "add", "--product", "Liquichek Chemistry", "--lot", lot, "--level",
             level, "--expires", "2099-12-31"},
            kTechnologist);
    succeed({"qc", "target", "set", "--lot", lot, "--level", level, "--instrument", "chem-a",
             "--test", "GLU", "--mean", mean, "--sd", sd, "--from", "2026-01-01T00:00Z"},
            kTechnologist);
  }
  for (const auto& [at, level1, level2] :
       {std::tuple{"2026-02-27T08:00Z", "26451/1=101", "26452/2=251"},
        std::tuple{"2026-03-02T08:00Z", "27001/1=103", "26452/2=248"},
        std::tuple{"2026-03-03T08:00Z", "27001/1=101", "26452/2=280"}}) {
    lab_.run({"qc", "record", "--instrument", "chem-a", "--test", "GLU", "--value", level1,
              "--value", level2, "--at", at},
             kTechnician);
  }

  // Without --level, one chart per level and lot measured in March.
  const std::string output = lab_.directory() + "/glu.svg";
  const nlohmann::json charts = succeed_json({"qc", "chart", "--instrument", "chem-a", "--test",
                                              "GLU", "--month", "2026-03", "-o", output},
                                             kTechnician);
  ASSERT_EQ(charts["charts"].size(), 2u) << charts.dump(2);
  EXPECT_EQ(charts["charts"][0]["output"], lab_.directory() + "/glu-level-1-lot-27001.svg");
  EXPECT_EQ(charts["charts"][0]["points"], 2);
  EXPECT_EQ(charts["charts"][1]["output"], lab_.directory() + "/glu-level-2-lot-26452.svg");
  EXPECT_EQ(charts["charts"][1]["marked"], 1);
  EXPECT_THAT(test_support::read_file(lab_.directory() + "/glu-level-2-lot-26452.svg"),
              HasSubstr("1-3s"));

  // March's review of level 2: the rejected run's value is counted apart.
  const CommandOutput review = succeed({"qc", "summary", "--instrument", "chem-a", "--test", "GLU",
                                        "--month", "2026-03", "--level", "2"},
                                       kTechnician);
  EXPECT_THAT(review.out, HasSubstr("chem-a/GLU, 2026-03-01T00:00Z to 2026-04-01T00:00Z; 2 runs"));
  EXPECT_THAT(review.out, testing::ContainsRegex("2 +26452 +250 ± 5 +1 +248 .* 1 +1-3s 1\n"));

  // The lab's runs are shown as judged: other rules do not apply to them.
  const CommandOutput rules = lab_.run(
      {"qc", "summary", "--instrument", "chem-a", "--test", "GLU", "--rules", "1-2s"}, kTechnician);
  EXPECT_EQ(rules.exit_code, 2) << ::testing::PrintToString(rules);
  EXPECT_THAT(rules.err, HasSubstr("--rules applies to a CSV file"));
}

TEST_F(CliQcLabTest, AValueThatNamesNoMaterialIsRefusedAndAMalformedOneIsAUsageError) {
  succeed({"qc", "material", "add", "--product", "Liquichek Chemistry", "--lot", "26451", "--level",
           "1", "--expires", "2099-12-31"},
          kTechnologist);
  succeed({"qc", "target", "set", "--lot", "26451", "--level", "1", "--instrument", "chem-a",
           "--test", "GLU", "--mean", "100", "--sd", "2"},
          kTechnologist);
  const CommandOutput unknown = record("101", "252");
  EXPECT_EQ(unknown.exit_code, 1) << ::testing::PrintToString(unknown);
  // The refusal names the option as given.
  EXPECT_THAT(unknown.err, HasSubstr("aliquot: --value '26452/2=252': no control material"));
  EXPECT_THAT(unknown.err, HasSubstr("26452 level 2"));
  const CommandOutput malformed =
      lab_.run({"qc", "record", "--instrument", "chem-a", "--test", "GLU", "--value", "26451:101"},
               kTechnician);
  EXPECT_EQ(malformed.exit_code, 2) << ::testing::PrintToString(malformed);
  EXPECT_THAT(malformed.err,
              HasSubstr("--value '26451:101': write LOT/LEVEL=VALUE, e.g. 26451/2=5.42"));
  EXPECT_TRUE(
      succeed_json({"qc", "runs", "--instrument", "chem-a", "--test", "GLU"}, kTechnician).empty());
}

}  // namespace
}  // namespace aliquot::cli_test
