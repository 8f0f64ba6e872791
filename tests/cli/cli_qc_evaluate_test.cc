// `aliquot qc evaluate`: Westgard rules over a CSV file of control values, as a lab's script or a
// validation run would use it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

// Two levels (mean 100 SD 2, mean 250 SD 5). Run 2: level 2 beyond +3 SD. Runs 3 to 5: level 1
// beyond +2 SD, three times. Run 5: level 2 at -2.5 SD as well. Run 6 within 2 SD.
constexpr const char* kEvaluateControls =
    "run,level,value,mean,sd\n"
    "1,1,100.5,100,2\n1,2,249,250,5\n"
    "2,1,99,100,2\n2,2,266,250,5\n"
    "3,1,104.2,100,2\n3,2,251,250,5\n"
    "4,1,104.4,100,2\n4,2,252,250,5\n"
    "5,1,105,100,2\n5,2,237.5,250,5\n"
    "6,1,101,100,2\n6,2,250,250,5\n";

class QcEvaluateCommand : public ::testing::Test {
 protected:
  CommandOutput evaluate(std::vector<std::string> args) {
    args.insert(args.begin(), {"qc", "evaluate"});
    return runner_.run_raw(args);
  }

  nlohmann::json evaluate_json(std::vector<std::string> args) {
    args.push_back("--json");
    const CommandOutput output = evaluate(args);
    EXPECT_EQ(output.exit_code, 0) << shown(output);
    const nlohmann::json parsed = nlohmann::json::parse(output.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << shown(output);
    return parsed;
  }

  CliRunner runner_;
};

TEST_F(QcEvaluateCommand, GivesEachRunItsStatusAndTheRulesThatFiredInJson) {
  const std::string file = runner_.write_file("qc.csv", kEvaluateControls);
  const nlohmann::json result = evaluate_json({"--rules", "1-3s,2-2s,R-4s,4-1s,10-x", file});
  EXPECT_EQ(result["rules"], nlohmann::json({"1-3s", "2-2s", "R-4s", "4-1s", "10-x"}));
  const nlohmann::json& runs = result["runs"];
  ASSERT_EQ(runs.size(), 6u) << result.dump(2);
  std::vector<std::string> statuses;
  for (const nlohmann::json& run : runs) statuses.push_back(run["status"]);
  // Run 3 alone beyond 2 SD is accepted (1-2s is not among the rules given).
  EXPECT_EQ(statuses,
            (std::vector<std::string>{"accept", "reject", "accept", "reject", "reject", "accept"}));
  EXPECT_EQ(runs[0]["run"], 1);
  EXPECT_EQ(runs[0]["violations"], nlohmann::json::array());

  ASSERT_EQ(runs[1]["violations"].size(), 1u) << runs[1].dump(2);
  EXPECT_EQ(runs[1]["violations"][0]["rule"], "1-3s");
  EXPECT_EQ(runs[1]["violations"][0]["levels"], nlohmann::json({2}));
  EXPECT_EQ(runs[1]["violations"][0]["runs"], nlohmann::json({2}));
  EXPECT_NEAR(runs[1]["violations"][0]["values"][0]["z"].get<double>(), 3.2, 1e-9);

  // 2-2s within level 1 across runs 3 and 4.
  ASSERT_EQ(runs[3]["violations"].size(), 1u) << runs[3].dump(2);
  EXPECT_EQ(runs[3]["violations"][0]["rule"], "2-2s");
  EXPECT_EQ(runs[3]["violations"][0]["scope"], "across runs");
  EXPECT_EQ(runs[3]["violations"][0]["levels"], nlohmann::json({1}));
  EXPECT_EQ(runs[3]["violations"][0]["runs"], nlohmann::json({3, 4}));

  // Run 5: 2-2s again on level 1 (runs 4 and 5), and R-4s within the run.
  std::vector<std::string> fired;
  for (const nlohmann::json& violation : runs[4]["violations"]) fired.push_back(violation["rule"]);
  EXPECT_EQ(fired, (std::vector<std::string>{"2-2s", "R-4s"})) << runs[4].dump(2);
  EXPECT_EQ(runs[4]["violations"][1]["scope"], "within run");
  EXPECT_EQ(runs[4]["violations"][1]["levels"], nlohmann::json({1, 2}));
}

TEST_F(QcEvaluateCommand, RunThreeIsRejectedByFourOneSAcrossLevels) {
  // Both levels above +1 SD in runs 2 and 3, none beyond 2 SD.
  const std::string file = runner_.write_file(
      "shift.csv",
      "run,level,value,mean,sd\n1,1,100,100,2\n1,2,250,250,5\n2,1,102.4,100,2\n2,2,256,250,5\n"
      "3,1,102.6,100,2\n3,2,257,250,5\n");
  const nlohmann::json result = evaluate_json({"--rules", "1-3s/2-2s/R-4s/4-1s", file});
  EXPECT_EQ(result["runs"][1]["status"], "accept");
  ASSERT_EQ(result["runs"][2]["violations"].size(), 1u) << result.dump(2);
  EXPECT_EQ(result["runs"][2]["violations"][0]["rule"], "4-1s");
  EXPECT_EQ(result["runs"][2]["violations"][0]["scope"], "across runs and levels");
  EXPECT_EQ(result["runs"][2]["violations"][0]["runs"], nlohmann::json({2, 3}));
}

TEST_F(QcEvaluateCommand, PrintsOneLinePerRunWithTheReasons) {
  const std::string file = runner_.write_file("qc.csv", kEvaluateControls);
  const CommandOutput output = evaluate({file});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_NE(output.out.find("rules: 1-2s/1-3s/2-2s/R-4s/4-1s/10-x"), std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("1-3s within run: level 2 run 2 (+3.2 SD)"), std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("2-2s across runs: level 1 run 3 (+2.1 SD), level 1 run 4 (+2.2 SD)"),
            std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("6 runs: 2 accepted, 1 with a warning, 3 rejected"), std::string::npos)
      << output.out;
}

TEST_F(QcEvaluateCommand, NamesTheRunsAndLevelsAsTheLabDoes) {
  const std::string file = runner_.write_file(
      "named.csv", "Run,Level,Value,Mean,SD,Lot\nAM-1,low,108,100,2,77\nAM-1,high,250,250,5,78\n");
  const nlohmann::json result = evaluate_json({file});
  EXPECT_EQ(result["runs"][0]["run"], "AM-1");
  EXPECT_EQ(result["runs"][0]["status"], "reject");
  EXPECT_EQ(result["runs"][0]["violations"][0]["rule"], "1-2s");
  EXPECT_EQ(result["runs"][0]["violations"][0]["action"], "warning");
  EXPECT_EQ(result["runs"][0]["violations"][1]["rule"], "1-3s");
  EXPECT_EQ(result["runs"][0]["violations"][1]["levels"], nlohmann::json({"low"}));
}

TEST_F(QcEvaluateCommand, NamesEveryProblemOfTheFileWithItsLine) {
  const std::string file =
      runner_.write_file("bad.csv", "run,level,value,mean,sd\n1,1,abc,100,2\n1,2,250,250,0\n");
  const CommandOutput output = evaluate({file});
  EXPECT_EQ(output.exit_code, 2) << shown(output);
  EXPECT_EQ(output.out, "");
  EXPECT_NE(output.err.find(file + ":2: value 'abc' is not a number"), std::string::npos)
      << output.err;
  EXPECT_NE(output.err.find(file + ":3: sd '0' must be greater than 0"), std::string::npos)
      << output.err;
}

TEST_F(QcEvaluateCommand, NamesAnUnknownRule) {
  const std::string file = runner_.write_file("qc.csv", kEvaluateControls);
  const CommandOutput output = evaluate({"--rules", "1-3s,2-3s", file});
  EXPECT_EQ(output.exit_code, 2) << shown(output);
  EXPECT_NE(output.err.find("unknown control rule '2-3s'"), std::string::npos) << output.err;
}

TEST_F(QcEvaluateCommand, NamesAFileItCannotRead) {
  const CommandOutput output = evaluate({runner_.directory() + "/missing.csv"});
  EXPECT_EQ(output.exit_code, 2) << shown(output);
  EXPECT_NE(output.err.find("cannot read control file"), std::string::npos) << output.err;
}

}  // namespace
}  // namespace aliquot::cli_test
