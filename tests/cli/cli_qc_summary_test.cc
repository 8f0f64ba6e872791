// `aliquot qc summary`: per level statistics of a control CSV file, rejected runs left out.

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

// Run 2 is rejected by level 2 beyond 3 SD; level 1 changes lot (target) at run 4.
constexpr const char* kControls =
    "run,level,value,mean,sd\n"
    "1,1,101,100,2\n1,2,248,250,5\n"
    "2,1,103,100,2\n2,2,266,250,5\n"
    "3,1,99,100,2\n3,2,254,250,5\n"
    "4,1,121,120,3\n4,2,251,250,5\n";

TEST(QcSummaryCommand, GivesEachLevelAndLotItsStatisticsWithoutTheRejectedRuns) {
  CliRunner runner;
  const std::string file = runner.write_file("qc.csv", kControls);
  const CommandOutput output = runner.run_raw({"qc", "summary", file, "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json levels = nlohmann::json::parse(output.out)["levels"];
  ASSERT_EQ(levels.size(), 3u) << levels.dump(2);

  // Level 1, first lot: runs 1 and 3 (run 2 rejected): 101 and 99.
  EXPECT_EQ(levels[0]["level"], "1");
  EXPECT_EQ(levels[0]["target_mean"], 100.0);
  EXPECT_EQ(levels[0]["n"], 2);
  EXPECT_DOUBLE_EQ(levels[0]["mean"].get<double>(), 100.0);
  EXPECT_NEAR(levels[0]["sd"].get<double>(), std::sqrt(2.0), 1e-12);
  EXPECT_EQ(levels[0]["rejected_values"], 1);

  // Level 2: 248, 254, 251 (266 rejected): mean 251, SD 3, bias +1 (0.4 %).
  EXPECT_EQ(levels[1]["level"], "2");
  EXPECT_EQ(levels[1]["n"], 3);
  EXPECT_DOUBLE_EQ(levels[1]["mean"].get<double>(), 251.0);
  EXPECT_NEAR(levels[1]["sd"].get<double>(), 3.0, 1e-12);
  EXPECT_NEAR(levels[1]["bias_percent"].get<double>(), 0.4, 1e-12);
  EXPECT_EQ(levels[1]["rule_counts"], nlohmann::json({{"1-2s", 1}, {"1-3s", 1}}));

  // Level 1, new lot: one value, so no SD.
  EXPECT_EQ(levels[2]["target_mean"], 120.0);
  EXPECT_EQ(levels[2]["n"], 1);
  EXPECT_TRUE(levels[2]["sd"].is_null());
}

TEST(QcSummaryCommand, PrintsATableOfTheLevels) {
  CliRunner runner;
  const std::string file = runner.write_file("qc.csv", kControls);
  const CommandOutput output = runner.run_raw({"qc", "summary", file});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_NE(output.out.find("rules: 1-2s/1-3s/2-2s/R-4s/4-1s/10-x; 4 runs"), std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("1-2s 1, 1-3s 1"), std::string::npos) << output.out;
}

}  // namespace
}  // namespace aliquot::cli_test
