// Autoverification in a lab made through the command line: the rules in force are the lab's
// (aliquot init records the default ones; aliquot rules load replaces them), a held result shows
// why, and reflex rules add tests to the order.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "support/temp_directory.h"

namespace aliquot::cli_test {
namespace {

class CliAutoverificationTest : public CliTest {};

TEST_F(CliAutoverificationTest, AHeldResultShowsEveryReasonToPeopleAndScripts) {
  const nlohmann::json specimens = received_order("MRN-AV1", "K");
  const std::string serum = accession_with(specimens, "K");
  succeed({"result", "enter", serum, "K", "25.0"}, kTechnician);

  const CommandOutput shown = succeed({"result", "show", serum, "K"}, kTechnician);
  EXPECT_NE(shown.out.find("Held for\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("K absurd limits"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("- K 25.0 mmol/L is physiologically impossible"), std::string::npos)
      << shown.out;

  const nlohmann::json detail = succeed_json({"result", "show", serum, "K"}, kTechnician);
  const nlohmann::json& holds = detail.at("holds");
  ASSERT_FALSE(holds.empty());
  EXPECT_EQ(holds[0].at("category"), "absurd-value");
  EXPECT_EQ(holds[0].at("action"), "recollect");
  EXPECT_EQ(holds[0].at("observed"), "25.0 mmol/L");

  // A person entered it: the rules never release it themselves.
  EXPECT_EQ(detail.at("result").at("status"), "preliminary");
  // A normal value entered again clears the reasons.
  succeed({"result", "enter", serum, "K", "4.1"}, kTechnician);
  EXPECT_TRUE(succeed_json({"result", "show", serum, "K"}, kTechnician).at("holds").empty());
}

TEST_F(CliAutoverificationTest, APositiveUrineNitriteAddsAUrineCultureToTheOrder) {
  const nlohmann::json specimens = received_order("MRN-AV2", "UA");
  const std::string urine = accession_with(specimens, "UA-NIT");
  succeed({"result", "enter", urine, "UA-NIT", "positive"}, kTechnician);
  const nlohmann::json specimen = succeed_json({"specimen", "show", urine}, kClerk);
  bool culture = false;
  for (const nlohmann::json& entry : specimen.at("results")) {
    if (entry.at("result").at("test_code") == "URCULT") {
      culture = true;
      EXPECT_EQ(entry.at("result").at("status"), "pending");
    }
  }
  EXPECT_TRUE(culture) << specimen.dump(2);
}

TEST_F(CliAutoverificationTest, AnAdminLoadsNewRulesAndAFileWithProblemsIsRefused) {
  test_support::TempDirectory directory;
  const std::string file = directory.path() + "/rules.toml";
  {
    std::ofstream out(file);
    out << "[rules]\nname = \"ward rules\"\nversion = \"w1\"\n\n[[discipline]]\n"
           "section = \"chemistry\"\nautoverify = false\n";
  }
  const nlohmann::json loaded = succeed_json({"rules", "load", file}, kAdmin);
  EXPECT_EQ(loaded.at("name"), "ward rules");
  EXPECT_EQ(loaded.at("disciplines"), 1);

  const std::string broken = directory.path() + "/broken.toml";
  {
    std::ofstream out(broken);
    out << "[rules]\nname = \"x\"\nversion = \"1\"\n\n[[analyte]]\ntest = \"KX\"\n";
  }
  const CommandOutput refused = lab_.run({"rules", "load", broken}, kAdmin);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("autoverification rules '" + broken + "' are invalid (1 problem)"),
            std::string::npos)
      << refused.err;

  const CommandOutput not_admin = lab_.run({"rules", "load", file}, kTechnician);
  EXPECT_NE(not_admin.exit_code, 0);
}

}  // namespace
}  // namespace aliquot::cli_test
