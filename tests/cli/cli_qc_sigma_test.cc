// `aliquot qc sigma` and `aliquot qc allowable-error`: QC design by the sigma metric from the
// command line, run as a script would run them.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

class QcSigmaCommand : public ::testing::Test {
 protected:
  CommandOutput qc(std::vector<std::string> args) {
    args.insert(args.begin(), "qc");
    return runner_.run_raw(args);
  }

  nlohmann::json qc_json(std::vector<std::string> args, int expected_exit) {
    args.push_back("--json");
    const CommandOutput output = qc(args);
    EXPECT_EQ(output.exit_code, expected_exit) << shown(output);
    const nlohmann::json parsed = nlohmann::json::parse(output.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << shown(output);
    return parsed;
  }

  // The command fails with status 2 and says `message` on stderr.
  void refuses(const std::vector<std::string>& args, const std::string& message) {
    const CommandOutput output = qc(args);
    EXPECT_EQ(output.exit_code, 2) << shown(output);
    EXPECT_EQ(output.out, "");
    EXPECT_NE(output.err.find(message), std::string::npos) << shown(output);
  }

  CliRunner runner_;
};

TEST_F(QcSigmaCommand, PrintsSigmaRulesAndControlsForAGivenTea) {
  // (10 - 1) / 2 = 4.5: the 4 to < 5 band.
  const CommandOutput output = qc({"sigma", "--tea", "10", "--bias", "-1", "--cv", "2"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_EQ(output.out,
            "sigma 4.50\n"
            "rules 1-3s/2-2s/R-4s/4-1s\n"
            "N = 4 per run (2 levels x 2), rules across 1 run; or N = 2 per run, rules across 2 "
            "runs\n"
            "from TEa 10.00%, bias -1%, CV 2% (TEa given with --tea)\n");
  EXPECT_EQ(output.err, "");
}

TEST_F(QcSigmaCommand, GivesTheWholeDesignInJson) {
  const nlohmann::json result = qc_json({"sigma", "--tea", "8", "--bias", "2", "--cv", "1"}, 0);
  EXPECT_DOUBLE_EQ(result.at("sigma").get<double>(), 6.0);
  EXPECT_EQ(result.at("tea"), 8.0);
  EXPECT_EQ(result.at("bias"), 2.0);
  EXPECT_EQ(result.at("cv"), 1.0);
  EXPECT_EQ(result.at("band"), ">= 6");
  EXPECT_EQ(result.at("rules"), nlohmann::json({"1-3s"}));
  EXPECT_EQ(result.at("n"), 2);
  EXPECT_EQ(result.at("runs"), 1);
  EXPECT_TRUE(result.at("alternative").is_null());
  EXPECT_EQ(result.at("note"), "");
  EXPECT_EQ(result.at("source"), "--tea");
}

TEST_F(QcSigmaCommand, SaysWhenTheMethodIsNotFitForPurpose) {
  // (8 - 3) / 2 = 2.5.
  const nlohmann::json poor = qc_json({"sigma", "--tea", "8", "--bias", "3", "--cv", "2"}, 0);
  EXPECT_DOUBLE_EQ(poor.at("sigma").get<double>(), 2.5);
  EXPECT_EQ(poor.at("rules"), nlohmann::json({"1-3s", "2-2s", "R-4s", "4-1s", "8-x"}));
  EXPECT_EQ(poor.at("n"), 4);
  EXPECT_EQ(poor.at("runs"), 2);
  EXPECT_EQ(poor.at("alternative"), nlohmann::json({{"n", 2}, {"runs", 4}}));
  EXPECT_NE(poor.at("note").get<std::string>().find("not fit for purpose by QC alone"),
            std::string::npos);

  // A bias larger than the TEa: a negative sigma is reported, not refused.
  const CommandOutput output = qc({"sigma", "--tea", "5", "--bias", "6", "--cv", "1"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_NE(output.out.find("sigma -1.00\n"), std::string::npos) << output.out;
  EXPECT_NE(output.out.find("note: maximum QC; the bias uses up the whole allowable error"),
            std::string::npos)
      << output.out;
}

TEST_F(QcSigmaCommand, TakesTheTeaOfAnAnalyteAtAConcentrationFromTheBuiltInFile) {
  // Glucose: 8% or 6 mg/dL, the greater. At 50 mg/dL 6 mg/dL is 12%: (12 - 0) / 2 = 6.
  const nlohmann::json low =
      qc_json({"sigma", "--analyte", "glu", "--at", "50", "--bias", "0", "--cv", "2"}, 0);
  EXPECT_DOUBLE_EQ(low.at("tea").get<double>(), 12.0);
  EXPECT_DOUBLE_EQ(low.at("sigma").get<double>(), 6.0);
  EXPECT_EQ(low.at("analyte"), "GLU");
  EXPECT_EQ(low.at("at"), 50.0);
  EXPECT_EQ(low.at("unit"), "mg/dL");
  EXPECT_EQ(low.at("tea_part"), "absolute");
  EXPECT_EQ(low.at("limit"), "8% or 6 mg/dL, the greater");
  EXPECT_EQ(low.at("verify"), true);
  EXPECT_EQ(low.at("file"), "allowable_error.toml");
  EXPECT_EQ(low.at("source").get<std::string>().rfind("42 CFR 493.931(c)", 0), 0u);

  // At 200 mg/dL the 8% applies: (8 - 0) / 2 = 4.
  const nlohmann::json high =
      qc_json({"sigma", "--analyte", "GLU", "--at", "200", "--bias", "0", "--cv", "2"}, 0);
  EXPECT_DOUBLE_EQ(high.at("tea").get<double>(), 8.0);
  EXPECT_EQ(high.at("tea_part"), "percent");
  EXPECT_EQ(high.at("rules"), nlohmann::json({"1-3s", "2-2s", "R-4s", "4-1s"}));

  const CommandOutput text =
      qc({"sigma", "--analyte", "GLU", "--at", "200", "--bias", "0", "--cv", "2"});
  EXPECT_EQ(text.exit_code, 0) << shown(text);
  EXPECT_NE(text.out.find("TEa 8.00% for GLU at 200 mg/dL: 8% or 6 mg/dL, the greater (42 CFR "
                          "493.931(c)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("verify: allowable_error.toml marks this limit as not yet checked"),
            std::string::npos)
      << text.out;
}

TEST_F(QcSigmaCommand, UsesALabsOwnAllowableErrorFile) {
  const std::string file = runner_.write_file("tea.toml", R"toml([allowable_error]
name = "lab goals"
version = "2"
source = "biological variation, desirable"

[[limit]]
code = "CL"
percent = 1.5
source = "EFLM biological variation database, desirable"
)toml");
  const nlohmann::json result = qc_json(
      {"sigma", "--analyte", "CL", "--allowable-error", file, "--bias", "0.3", "--cv", "0.4"}, 0);
  EXPECT_DOUBLE_EQ(result.at("tea").get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(result.at("sigma").get<double>(), (1.5 - 0.3) / 0.4);
  EXPECT_EQ(result.at("verify"), false);
  EXPECT_EQ(result.at("source"), "EFLM biological variation database, desirable");
}

TEST_F(QcSigmaCommand, RefusesMissingMalformedAndImpossibleOptionsNamingThem) {
  refuses({"sigma", "--tea", "10", "--bias", "1"}, "`aliquot qc sigma` needs --cv PCT");
  refuses({"sigma", "--tea", "10", "--cv", "2"}, "`aliquot qc sigma` needs --bias PCT");
  refuses({"sigma", "--bias", "1", "--cv", "2"},
          "`aliquot qc sigma` needs --tea PCT, or --analyte");
  refuses({"sigma", "--tea", "10", "--bias", "1", "--cv", "two"},
          "--cv must be a number (percent), not 'two'");
  refuses({"sigma", "--tea", "10", "--bias", "1", "--cv", "0"},
          "--cv must be greater than 0 (percent), not 0");
  refuses({"sigma", "--tea", "-3", "--bias", "1", "--cv", "2"},
          "--tea must be greater than 0 (percent), not -3");
  refuses({"sigma", "--tea", "10", "--analyte", "GLU", "--bias", "1", "--cv", "2"},
          "give either --tea or --analyte, not both");
  refuses({"sigma", "--tea", "10", "--at", "5", "--bias", "1", "--cv", "2"},
          "--at is used only with --analyte");
  refuses({"sigma", "--analyte", "K", "--bias", "1", "--cv", "2"},
          "--at is needed: the allowable error of K has an absolute part (0.3 mmol/L)");
  refuses({"sigma", "--analyte", "K", "--at", "0", "--bias", "1", "--cv", "2"},
          "--at must be a number greater than 0 (in mmol/L), not '0'");
}

TEST_F(QcSigmaCommand, RefusesAnAnalyteWithoutALimitWithStatusOne) {
  const CommandOutput output = qc({"sigma", "--analyte", "MCV", "--bias", "1", "--cv", "2"});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  EXPECT_NE(output.err.find("no allowable error for 'MCV' in allowable_error.toml; it has limits "
                            "for: GLU, NA, K"),
            std::string::npos)
      << shown(output);
}

TEST_F(QcSigmaCommand, GivesAnErrorAsJsonWithJson) {
  const nlohmann::json result = qc_json({"sigma", "--tea", "10", "--bias", "1", "--cv", "0"}, 2);
  EXPECT_EQ(result.at("error").at("code"), "INVALID_ARGUMENT");
  EXPECT_EQ(result.at("error").at("message"), "--cv must be greater than 0 (percent), not 0");
}

TEST_F(QcSigmaCommand, ListsTheBuiltInLimitsAndFindsThemFittingTheBuiltInMenu) {
  const CommandOutput output = qc({"allowable-error"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_NE(output.out.find("allowable_error.toml: CLIA proficiency-testing acceptance limits "
                            "2024-07-11\n"),
            std::string::npos)
      << output.out;
  EXPECT_NE(output.out.find("GLU    8% or 6 mg/dL, the greater"), std::string::npos) << output.out;
  EXPECT_NE(output.out.find("not yet checked against their source"), std::string::npos);

  const nlohmann::json listed = qc_json({"allowable-error"}, 0);
  EXPECT_EQ(listed.at("ok"), true);
  EXPECT_TRUE(listed.at("diagnostics").empty()) << listed.dump(2);
  bool found_potassium = false;
  for (const nlohmann::json& limit : listed.at("limits")) {
    if (limit.at("code") != "K") continue;
    found_potassium = true;
    EXPECT_TRUE(limit.at("percent").is_null());
    EXPECT_EQ(limit.at("absolute"), 0.3);
    EXPECT_EQ(limit.at("unit"), "mmol/L");
  }
  EXPECT_TRUE(found_potassium) << listed.dump(2);
}

TEST_F(QcSigmaCommand, ReportsEveryProblemOfALabsFileWithItsPlace) {
  const std::string file = runner_.write_file("bad.toml", R"toml([allowable_error]
name = "lab goals"
version = "2"
source = "lab"

[[limit]]
code = "GLU"
percent = 8
absolute = 0.33
unit = "mmol/L"
source = "lab"

[[limit]]
code = "XYZ"
percent = 0
source = "lab"
)toml");
  const CommandOutput output = qc({"allowable-error", "--allowable-error", file});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  EXPECT_NE(output.out.find(file + ":15:11: key 'percent' of limit 'XYZ' must be greater than 0, "
                                   "not 0"),
            std::string::npos)
      << shown(output);

  const std::string fixed = runner_.write_file("units.toml", R"toml([allowable_error]
name = "lab goals"
version = "2"
source = "lab"

[[limit]]
code = "GLU"
percent = 8
absolute = 0.33
unit = "mmol/L"
source = "lab"
)toml");
  const CommandOutput units = qc({"allowable-error", "--allowable-error", fixed});
  EXPECT_EQ(units.exit_code, 1) << shown(units);
  EXPECT_NE(units.out.find(fixed + ":6:1: limit 'GLU' gives its absolute limit in mmol/L but test "
                                   "GLU reports mg/dL"),
            std::string::npos)
      << shown(units);
}

}  // namespace
}  // namespace aliquot::cli_test
