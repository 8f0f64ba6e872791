// `aliquot calc`: calculated tests from the command line, run as a script would run them.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

class CalcCommand : public ::testing::Test {
 protected:
  CommandOutput calc(std::vector<std::string> args) {
    args.insert(args.begin(), "calc");
    return runner_.run_raw(args);
  }

  nlohmann::json calc_json(std::vector<std::string> args, int expected_exit) {
    args.push_back("--json");
    const CommandOutput output = calc(args);
    EXPECT_EQ(output.exit_code, expected_exit) << shown(output);
    const nlohmann::json parsed = nlohmann::json::parse(output.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << shown(output);
    return parsed;
  }

  CliRunner runner_;
};

// CKD-EPI 2021 creatinine (Inker, NEJM 2021), written out independently of the data file.
double ckd_epi_2021(double scr, double age, bool female) {
  const double kappa = female ? 0.7 : 0.9;
  return 142 * std::pow(std::min(scr / kappa, 1.0), female ? -0.241 : -0.302) *
         std::pow(std::max(scr / kappa, 1.0), -1.200) * std::pow(0.9938, age) *
         (female ? 1.012 : 1.0);
}

TEST_F(CalcCommand, PrintsOnlyTheReportedValue) {
  const CommandOutput output = calc({"egfr-ckd-epi-2021", "creatinine=1.0", "age=50", "sex=F"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_EQ(output.out, "69\n");
  EXPECT_EQ(output.err, "");
  EXPECT_EQ(calc({"corrected-calcium", "ca=8.0", "albumin=2.5"}).out, "9.2\n");
  EXPECT_EQ(calc({"anc", "wbc=8", "segs=55", "bands=5"}).out, "4.80\n");
}

TEST_F(CalcCommand, GivesFullPrecisionTheReportedTextUnitAndInputsInJson) {
  const nlohmann::json result =
      calc_json({"egfr-ckd-epi-2021", "creatinine=1.0", "age=50", "sex=F"}, 0);
  EXPECT_EQ(result["name"], "egfr-ckd-epi-2021");
  ASSERT_TRUE(result["value"].is_number_float()) << result.dump();
  EXPECT_NEAR(result["value"].get<double>(), ckd_epi_2021(1.0, 50, true), 1e-9);
  EXPECT_NE(result["value"].get<double>(), 69.0);  // not rounded
  EXPECT_EQ(result["reported"], "69");
  EXPECT_EQ(result["unit"], "mL/min/{1.73_m2}");
  EXPECT_EQ(result["inputs"], nlohmann::json({{"creatinine", 1.0}, {"age", 50}, {"sex", "F"}}));
  EXPECT_FALSE(result.contains("reason"));
}

TEST_F(CalcCommand, ExplainsAResultThatMustNotBeReportedAndExitsOne) {
  const std::string reason =
      "Friedewald is not valid when triglycerides are 400 mg/dL or more (Friedewald 1972)";
  const nlohmann::json result = calc_json({"ldl-friedewald", "tc=300", "hdl=40", "tg=400"}, 1);
  EXPECT_EQ(result["name"], "ldl-friedewald");
  EXPECT_TRUE(result["value"].is_null());
  EXPECT_TRUE(result["reported"].is_null());
  EXPECT_EQ(result["unit"], "mg/dL");
  EXPECT_EQ(result["reason"], reason);
  EXPECT_EQ(result["inputs"], nlohmann::json({{"tc", 300}, {"hdl", 40}, {"tg", 400}}));

  const CommandOutput text = calc({"ldl-friedewald", "tc=300", "hdl=40", "tg=400"});
  EXPECT_EQ(text.exit_code, 1) << shown(text);
  EXPECT_EQ(text.out, "");
  EXPECT_EQ(text.err, "aliquot: ldl-friedewald is not reportable: " + reason + "\n");
  // Just under the limit it is reported: 300 - 40 - 399/5.
  EXPECT_EQ(calc({"ldl-friedewald", "tc=300", "hdl=40", "tg=399"}).out, "180\n");
}

TEST_F(CalcCommand, RefusesAdultEquationsForChildrenAndInputsOutsideTheirLimits) {
  const CommandOutput child = calc({"egfr-ckd-epi-2021", "creatinine=0.5", "age=17", "sex=M"});
  EXPECT_EQ(child.exit_code, 1) << shown(child);
  EXPECT_EQ(child.err,
            "aliquot: egfr-ckd-epi-2021 is not reportable: CKD-EPI is validated for adults (18 "
            "years or older) only (Inker 2021)\n");
  EXPECT_EQ(calc({"egfr-ckd-epi-2021", "creatinine=0.5", "age=18", "sex=M"}).exit_code, 0);
  const nlohmann::json zero =
      calc_json({"egfr-ckd-epi-2021", "creatinine=0", "age=40", "sex=M"}, 1);
  EXPECT_EQ(zero["reason"], "input 'creatinine' (Creatinine) is 0 mg/dL: it must be above 0 mg/dL");
}

TEST_F(CalcCommand, UsesTheDefaultOfAnOptionalInputAndShowsIt) {
  const nlohmann::json without = calc_json({"anion-gap", "na=140", "cl=104", "hco3=24"}, 0);
  EXPECT_EQ(without["reported"], "12");
  EXPECT_EQ(without["inputs"]["k"], 0);
  const nlohmann::json with = calc_json({"anion-gap", "na=140", "cl=104", "hco3=24", "k=4"}, 0);
  EXPECT_EQ(with["reported"], "16");
  EXPECT_EQ(with["inputs"]["k"], 4);
}

TEST_F(CalcCommand, AcceptsDashOrUnderscoreInInputNames) {
  EXPECT_EQ(calc({"ag-ratio", "albumin=4", "total-protein=7"}).out, "1.3\n");
  EXPECT_EQ(calc({"ag-ratio", "albumin=4", "total_protein=7"}).out, "1.3\n");
}

TEST_F(CalcCommand, NamesWhatIsWrongWithTheInputsAndExitsTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"egfr-ckd-epi-2021", "creatinine=1.0"},
       "egfr-ckd-epi-2021 needs age (Age, a), sex (Sex, F or M)"},
      {{"egfr-ckd-epi-2021", "creatinine=1.0", "age=50", "sex=F", "weight=70"},
       "egfr-ckd-epi-2021 has no input 'weight'; its inputs are: creatinine, age, sex"},
      {{"egfr-ckd-epi-2021", "creatinine=1,2", "age=50", "sex=F"},
       "input 'creatinine' must be a number in mg/dL, not '1,2'"},
      {{"egfr-ckd-epi-2021", "creatinine=", "age=50", "sex=F"},
       "input 'creatinine' must be a number in mg/dL, not ''"},
      {{"egfr-ckd-epi-2021", "creatinine=1.0", "age=50", "sex=female"},
       "input 'sex' must be F or M, not 'female'"},
      {{"egfr-ckd-epi-2021", "creatinine=1.0", "age=50", "sex=F", "age=51"},
       "input 'age' is given more than once"},
      {{"egfr-ckd-epi-2021", "1.0"}, "expected INPUT=VALUE, not '1.0' (e.g. creatinine=...)"},
      {{"inr", "pt=12", "mnpt=12", "isi=inf"}, "input 'isi' must be a number, not 'inf'"},
  };
  for (const Case& item : cases) {
    const CommandOutput output = calc(item.args);
    EXPECT_EQ(output.exit_code, 2) << shown(output);
    EXPECT_EQ(output.out, "");
    EXPECT_EQ(output.err, "aliquot: " + item.message + "\n");
  }
  const CommandOutput json =
      calc({"egfr-ckd-epi-2021", "creatinine=abc", "age=50", "sex=F", "--json"});
  EXPECT_EQ(json.exit_code, 2);
  const nlohmann::json parsed = nlohmann::json::parse(json.out, nullptr, false);
  EXPECT_EQ(parsed["error"]["code"], "INVALID_ARGUMENT") << shown(json);
}

TEST_F(CalcCommand, NamesTheCalculationsWhenTheNameIsUnknown) {
  const CommandOutput output = calc({"egfr", "creatinine=1"});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  EXPECT_EQ(
      output.err.rfind("aliquot: no calculation 'egfr'; the calculations are: anion-gap, ", 0), 0u)
      << output.err;
  const CommandOutput nothing = calc({});
  EXPECT_EQ(nothing.exit_code, 2) << shown(nothing);
  EXPECT_EQ(nothing.err,
            "aliquot: `aliquot calc` needs the name of a calculation; `aliquot calc list` shows "
            "them\n");
}

TEST_F(CalcCommand, ListsTheCalculationsWithUnitsAndInputs) {
  const CommandOutput output = calc({"list"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  for (const char* expected :
       {"anion-gap", "egfr-ckd-epi-2021-cys", "ldl-martin-hopkins", "ag-ratio",
        "creatinine mg/dL, age a, sex F or M", "[k mmol/L, default 0]"}) {
    EXPECT_NE(output.out.find(expected), std::string::npos) << expected << "\n" << output.out;
  }
  const nlohmann::json listed = calc_json({"list"}, 0);
  ASSERT_EQ(listed["calculations"].size(), 17u) << listed.dump();
  const nlohmann::json& friedewald = listed["calculations"][9];
  EXPECT_EQ(friedewald["name"], "ldl-friedewald");
  EXPECT_EQ(friedewald["decimals"], 0);
  EXPECT_EQ(friedewald["inputs"][2], nlohmann::json({{"name", "tg"},
                                                     {"title", "Triglycerides"},
                                                     {"unit", "mg/dL"},
                                                     {"required", true},
                                                     {"limits", "at least 0 mg/dL"}}));
  EXPECT_EQ(friedewald["rules"][0],
            "Friedewald is not valid when triglycerides are 400 mg/dL or more (Friedewald 1972)");
}

TEST_F(CalcCommand, UsesACalculationsFileGivenOnTheCommandLine) {
  // The lab's own file: Friedewald refused from 300 mg/dL instead of 400.
  std::string text = test_support::read_file(source_directory() + "/catalog/calculations.toml");
  const std::string limit = "invalid_when = \"tg >= 400\"";
  ASSERT_NE(text.find(limit), std::string::npos);
  text.replace(text.find(limit), limit.size(), "invalid_when = \"tg >= 300\"");
  const std::string path = runner_.write_file("lab-calculations.toml", text);
  EXPECT_EQ(calc({"ldl-friedewald", "tc=300", "hdl=40", "tg=350"}).exit_code, 0);
  EXPECT_EQ(
      calc({"ldl-friedewald", "tc=300", "hdl=40", "tg=350", "--calculations", path}).exit_code, 1);
  const CommandOutput check = calc({"check", "--calculations", path});
  EXPECT_EQ(check.exit_code, 0) << shown(check);
  EXPECT_EQ(check.out, path + ": ok, 17 calculations, 1 table\n");
}

TEST_F(CalcCommand, ReportsEveryProblemOfABrokenCalculationsFile) {
  std::string text = test_support::read_file(source_directory() + "/catalog/calculations.toml");
  const std::string friedewald = "expression = \"tc - hdl - tg / 5\"";
  const std::string band = "{ band = \"[50, 57)\",";
  ASSERT_NE(text.find(friedewald), std::string::npos);
  ASSERT_NE(text.find(band), std::string::npos);
  text.replace(text.find(friedewald), friedewald.size(), "expression = \"tc - hdll - tg / 5\"");
  text.replace(text.find(band), band.size(), "{ band = \"[51, 57)\",");
  const std::string path = runner_.write_file("broken.toml", text);
  const auto line_of = [&](const std::string& needle) {
    return 1 + std::count(text.begin(), text.begin() + text.find(needle), '\n');
  };
  const std::string expected =
      path + ":" + std::to_string(line_of("[51, 57)")) +
      ":12: rows of table 'martin_hopkins_factor': band 2 [51, 57) and band 1 [7, 50) leave a "
      "gap: band 2 must start at 50\n" +
      path + ":" + std::to_string(line_of("tc - hdll")) +
      ":20: expression of step 'ldl' of calculation 'ldl-friedewald': unknown name 'hdll' (did "
      "you mean 'hdl'?)\n";

  const CommandOutput check = calc({"check", "--calculations", path});
  EXPECT_EQ(check.exit_code, 1) << shown(check);
  EXPECT_EQ(check.out, expected);
  EXPECT_EQ(check.err, "aliquot: " + path + ": 2 problems\n");

  const CommandOutput used = calc({"mcv", "hct=45", "rbc=5", "--calculations", path});
  EXPECT_EQ(used.exit_code, 2) << shown(used);
  EXPECT_EQ(used.out, "");
  std::string indented;
  std::istringstream lines(expected);
  for (std::string line; std::getline(lines, line);) indented += "\n  " + line;
  EXPECT_EQ(used.err, "aliquot: " + path + " has 2 problems:" + indented + "\n");
}

TEST_F(CalcCommand, ChecksTheBuiltInCalculations) {
  const CommandOutput check = calc({"check"});
  EXPECT_EQ(check.exit_code, 0) << shown(check);
  EXPECT_EQ(check.out, "calculations.toml: ok, 17 calculations, 1 table\n");
}

TEST_F(CalcCommand, SaysInItsHelpWhatStdoutCarries) {
  const CommandOutput help = calc({"--help"});
  EXPECT_EQ(help.exit_code, 0) << shown(help);
  EXPECT_NE(help.out.find("print the reported value"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--calculations"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace aliquot::cli_test
