// Calculated tests in a lab made through the command line: the default menu's lipid panel
// computes LDL cholesterol from the values entered, holds it until they are released, releases it
// with them, shows what it was computed from, says why when it must not be reported, and refuses
// a value typed for it.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

class CliCalculatedTest : public CliTest {};

TEST_F(CliCalculatedTest, ComputesLdlFromTheLipidPanelAndReleasesItWithItsInputs) {
  const nlohmann::json specimens = received_order("MRN-CT1", "LIPID");
  const std::string serum = accession_with(specimens, "LDL-C");
  EXPECT_EQ(accession_with(specimens, "CHOL"), serum);  // drawn in the tube of its inputs
  succeed({"result", "enter", serum, "CHOL", "200"}, kTechnician);
  succeed({"result", "enter", serum, "TRIG", "150"}, kTechnician);
  succeed({"result", "enter", serum, "HDL", "50"}, kTechnician);

  const nlohmann::json held = succeed_json({"result", "show", serum, "LDL-C"}, kTechnician);
  EXPECT_EQ(held.at("result").at("status"), "preliminary");
  EXPECT_EQ(held.at("result").at("entered_by"), "calculation");
  ASSERT_EQ(held.at("holds").size(), 1u) << held.dump(2);
  EXPECT_EQ(held.at("holds")[0].at("category"), "calculation");
  EXPECT_EQ(held.at("holds")[0].at("observed"), "CHOL, HDL, TRIG held");

  const CommandOutput refused = lab_.run({"result", "release", serum, "LDL-C"}, kTechnologist);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("LDL-C waits for its inputs: CHOL, HDL, TRIG are not released yet"),
            std::string::npos)
      << refused.err;

  for (const char* input : {"CHOL", "TRIG", "HDL"}) {
    succeed({"result", "release", serum, input}, kTechnologist);
  }
  const nlohmann::json released = succeed_json({"result", "show", serum, "LDL-C"}, kTechnician);
  EXPECT_EQ(released.at("result").at("status"), "final") << released.dump(2);
  EXPECT_EQ(released.at("result").at("released_by"), "autoverification");

  const CommandOutput shown = succeed({"result", "show", serum, "LDL-C"}, kTechnician);
  EXPECT_NE(shown.out.find("120 mg/dL"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("ldl-friedewald from CHOL 200 mg/dL (final), HDL 50 mg/dL (final), "
                           "TRIG 150 mg/dL (final)"),
            std::string::npos)
      << shown.out;
}

TEST_F(CliCalculatedTest, CancellingAnInputCancelsTheCalculatedTestsThatNeedIt) {
  const nlohmann::json specimens = received_order("MRN-CT9", "LIPID");
  const std::string serum = accession_with(specimens, "LDL-C");
  succeed({"result", "enter", serum, "CHOL", "200"}, kTechnician);
  const CommandOutput text =
      succeed({"result", "cancel", serum, "TRIG", "--reason", "lipemic"}, kTechnician);
  EXPECT_NE(text.out.find("also cancelled"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("LDL-C cannot be calculated: its input TRIG was cancelled (lipemic)"),
            std::string::npos)
      << text.out;
  const nlohmann::json ldl = succeed_json({"result", "show", serum, "LDL-C"}, kTechnician);
  EXPECT_EQ(ldl.at("result").at("status"), "cancelled");

  const nlohmann::json hdl =
      succeed_json({"result", "cancel", serum, "HDL", "--reason", "lipemic"}, kTechnician);
  EXPECT_EQ(hdl.at("status"), "cancelled");
  EXPECT_TRUE(hdl.at("calculated").empty());  // LDL-C is cancelled already
}

TEST_F(CliCalculatedTest, ShowsWhyLdlIsNotCalculatedAtHighTriglycerides) {
  const nlohmann::json specimens = received_order("MRN-CT2", "LIPID");
  const std::string serum = accession_with(specimens, "LDL-C");
  succeed({"result", "enter", serum, "CHOL", "260"}, kTechnician);
  succeed({"result", "enter", serum, "TRIG", "480"}, kTechnician);
  succeed({"result", "enter", serum, "HDL", "35"}, kTechnician);
  const CommandOutput shown = succeed({"result", "show", serum, "LDL-C"}, kTechnician);
  EXPECT_NE(shown.out.find("Not calculated: Friedewald is not valid when triglycerides are 400 "
                           "mg/dL or more (Friedewald 1972)"),
            std::string::npos)
      << shown.out;
}

TEST_F(CliCalculatedTest, RefusesAValueTypedForACalculatedTest) {
  const nlohmann::json specimens = received_order("MRN-CT3", "BMP");
  const std::string serum = accession_with(specimens, "EGFR");
  const CommandOutput refused = lab_.run({"result", "enter", serum, "EGFR", "90"}, kTechnician);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("EGFR is calculated from CREAT; it cannot be entered"),
            std::string::npos)
      << refused.err;
}

std::string default_menu_with(const std::string& from, const std::string& to, int& line) {
  std::ifstream in(source_directory() + "/catalog/core-menu.toml");
  std::ostringstream text;
  text << in.rdbuf();
  std::string menu = text.str();
  const auto at = menu.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos) return menu;
  menu.replace(at, from.size(), to);
  line = 1 + static_cast<int>(std::count(menu.begin(), menu.begin() + at, '\n'));
  return menu;
}

TEST(CalculatedTestLinks, CatalogCheckAndCalcCheckRefuseACatalogThatDoesNotFitTheCalculations) {
  CliRunner runner;
  int line = 0;
  const std::string menu = default_menu_with("inputs = { creatinine = \"CREAT\" }",
                                             "inputs = { creatinin = \"CREAT\" }", line);
  const std::string path = runner.write_file("menu.toml", menu);
  const std::string at = path + ":" + std::to_string(line) + ": ";
  const std::string expected =
      at +
      "test 'EGFR' (calculation 'egfr-ckd-epi-2021') maps input 'creatinin', which the "
      "calculation does not have (did you mean 'creatinine'?); its inputs: creatinine, "
      "age, sex\n" +
      at +
      "test 'EGFR' (calculation 'egfr-ckd-epi-2021'): required input 'creatinine' "
      "(Creatinine, mg/dL) is not mapped to a test\n";

  const CommandOutput catalog_check = runner.run_raw({"catalog", "check", path});
  EXPECT_EQ(catalog_check.exit_code, 1) << ::testing::PrintToString(catalog_check);
  EXPECT_EQ(catalog_check.out, expected);

  const CommandOutput calc_check = runner.run_raw({"calc", "check", "--catalog", path});
  EXPECT_EQ(calc_check.exit_code, 1) << ::testing::PrintToString(calc_check);
  EXPECT_EQ(calc_check.out, expected);

  const CommandOutput init = runner.run({"init", "--catalog", path});
  EXPECT_NE(init.exit_code, 0);
  EXPECT_NE(init.err.find("does not fit the calculations 'aliquot default calculations' (2 "
                          "problems)"),
            std::string::npos)
      << init.err;
}

TEST_F(CliCalculatedTest, CatalogListNamesTheCalculationOfEachCalculatedTest) {
  const nlohmann::json menu = succeed_json({"catalog", "list"}, kClerk);
  const auto find = [&](const std::string& code) {
    for (const nlohmann::json& test : menu.at("tests")) {
      if (test.at("code") == code) return test;
    }
    ADD_FAILURE() << "no " << code << " in " << menu.dump(2);
    return nlohmann::json();
  };
  EXPECT_EQ(find("LDL-C").at("calculation"),
            nlohmann::json({{"name", "ldl-friedewald"},
                            {"inputs", {{"tc", "CHOL"}, {"hdl", "HDL"}, {"tg", "TRIG"}}}}));
  EXPECT_EQ(find("EGFR").at("calculation"),
            nlohmann::json({{"name", "egfr-ckd-epi-2021"}, {"inputs", {{"creatinine", "CREAT"}}}}));
  // A measured test has none, as other absent values are written: null.
  EXPECT_TRUE(find("CREAT").at("calculation").is_null()) << find("CREAT").dump();

  const CommandOutput text = succeed({"catalog", "list", "--section", "chemistry"}, kClerk);
  EXPECT_NE(text.out.find("\nCalculated:\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  EGFR = egfr-ckd-epi-2021 from CREAT (creatinine)\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  LDL-C = ldl-friedewald from "), std::string::npos) << text.out;
  // No line for a measured test.
  EXPECT_EQ(text.out.find("  CREAT = "), std::string::npos) << text.out;
}

}  // namespace
}  // namespace aliquot::cli_test
