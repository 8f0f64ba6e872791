// `aliquot qc chart`: the Levey-Jennings chart of one level from a control CSV file, with the
// rules that fired marked.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

// Level 2 is beyond +3 SD in run 2; level 1 is within 2 SD throughout.
constexpr const char* kChartControls =
    "run,level,value,mean,sd\n"
    "1,1,100.5,100,2\n1,2,249,250,5\n"
    "2,1,99,100,2\n2,2,266,250,5\n"
    "3,1,101,100,2\n3,2,251,250,5\n";

class QcChartCommand : public ::testing::Test {
 protected:
  CommandOutput chart(std::vector<std::string> args) {
    args.insert(args.begin(), {"qc", "chart"});
    return runner_.run_raw(args);
  }

  CliRunner runner_;
};

TEST_F(QcChartCommand, DrawsTheLevelAsSvgWithTheRulesThatFired) {
  const std::string file = runner_.write_file("qc.csv", kChartControls);
  const std::string output = runner_.directory() + "/level2.svg";
  const CommandOutput result = chart({file, "--level", "2", "-o", output, "--unit", "mg/dL"});
  ASSERT_EQ(result.exit_code, 0) << shown(result);
  EXPECT_EQ(result.out, "level 2: 3 values, 1 marked by the rules, written to " + output + "\n");
  const std::string svg = test_support::read_file(output);
  EXPECT_TRUE(svg.starts_with("<?xml")) << svg.substr(0, 200);
  EXPECT_NE(svg.find("1-3s"), std::string::npos);
  EXPECT_NE(svg.find("266"), std::string::npos);  // the value, in the point's tooltip
  EXPECT_NE(svg.find("mg/dL"), std::string::npos);
}

TEST_F(QcChartCommand, DrawsPngAndSaysWhatItDrewInJson) {
  const std::string file = runner_.write_file("qc.csv", kChartControls);
  const std::string output = runner_.directory() + "/level1.png";
  const CommandOutput result =
      chart({file, "--level", "1", "-o", output, "--width", "640", "--height", "320", "--json"});
  ASSERT_EQ(result.exit_code, 0) << shown(result);
  const nlohmann::json summary = nlohmann::json::parse(result.out);
  EXPECT_EQ(summary["format"], "png");
  EXPECT_EQ(summary["points"], 3);
  EXPECT_EQ(summary["marked"], 0);
  const std::string png = test_support::read_file(output);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  const auto at = [&](std::size_t i) {
    return (static_cast<unsigned>(static_cast<unsigned char>(png[i])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[i + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(png[i + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(png[i + 3]));
  };
  EXPECT_EQ(at(16), 640u);
  EXPECT_EQ(at(20), 320u);
}

TEST_F(QcChartCommand, RefusesALevelWithTwoTargets) {
  const std::string file =
      runner_.write_file("lots.csv", "run,level,value,mean,sd\n1,1,100,100,2\n2,1,102,102,2.5\n");
  const CommandOutput result = chart({file, "--level", "1", "-o", runner_.directory() + "/c.svg"});
  EXPECT_EQ(result.exit_code, 2) << shown(result);
  EXPECT_NE(result.err.find("level 1 has more than one target: mean 100 sd 2 in run 1, mean 102 "
                            "sd 2.5 in run 2; a chart shows one lot"),
            std::string::npos)
      << result.err;
}

TEST_F(QcChartCommand, NamesALevelNotInTheFileAndAnUnknownFormat) {
  const std::string file = runner_.write_file("qc.csv", kChartControls);
  const CommandOutput missing = chart({file, "--level", "3", "-o", runner_.directory() + "/c.svg"});
  EXPECT_EQ(missing.exit_code, 2) << shown(missing);
  EXPECT_NE(missing.err.find("no values of level 3 in the file"), std::string::npos) << missing.err;
  const CommandOutput format = chart({file, "--level", "1", "-o", runner_.directory() + "/c.pdf"});
  EXPECT_EQ(format.exit_code, 2) << shown(format);
  EXPECT_NE(format.err.find("must end in .svg or .png"), std::string::npos) << format.err;
}

}  // namespace
}  // namespace aliquot::cli_test
