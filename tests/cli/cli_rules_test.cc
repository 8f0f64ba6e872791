// `aliquot rules check|list`: the autoverification rules file is checked like source code, and
// the rules in force can be read by people and by scripts.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

std::string default_rules_path() { return source_directory() + "/catalog/autoverification.toml"; }

// How many times `needle` starts a line of `text`.
int lines_starting_with(const std::string& text, const std::string& needle) {
  int count = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) count += line.rfind(needle, 0) == 0 ? 1 : 0;
  return count;
}

class RulesCommand : public ::testing::Test {
 protected:
  CommandOutput rules(std::vector<std::string> args) {
    args.insert(args.begin(), "rules");
    return runner_.run_raw(args);
  }

  CliRunner runner_;
};

TEST_F(RulesCommand, ChecksTheBuiltInRulesAgainstTheBuiltInMenu) {
  const std::string file = test_support::read_file(default_rules_path());
  const int analytes = lines_starting_with(file, "[[analyte]]");
  const int disciplines = lines_starting_with(file, "[[discipline]]");
  ASSERT_GT(analytes, 0);
  const CommandOutput output = rules({"check"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_EQ(output.out, "autoverification.toml: ok (" + std::to_string(analytes) + " analytes, " +
                            std::to_string(disciplines) + " disciplines)\n");
  EXPECT_EQ(output.err, "");

  // The same file given by path, against the menu given by path.
  const std::string path = default_rules_path();
  const CommandOutput by_path =
      rules({"check", path, "--catalog", source_directory() + "/catalog/core-menu.toml"});
  EXPECT_EQ(by_path.exit_code, 0) << shown(by_path);
  EXPECT_EQ(by_path.out, path + ": ok (" + std::to_string(analytes) + " analytes, " +
                             std::to_string(disciplines) + " disciplines)\n");
}

TEST_F(RulesCommand, PrintsEveryProblemOfAFileAndExitsOne) {
  const std::string path = runner_.write_file("lab-rules.toml", R"toml([rules]
name = "lab rules"
version = "1"

[[analyte]]
test = "POTASSIUM"

[[analyte]]
test = "NA"
review = { low = 160, high = 130 }
delta = [{ absolute = 8, percent = 5, window = "3d" }]
)toml");
  const CommandOutput output = rules({"check", path});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  EXPECT_EQ(output.out,
            path + ":6:8: key 'test' of analyte 'POTASSIUM' is not a test of the catalog\n" + path +
                ":10:18: the review limits of analyte 'NA': low 160 is above high 130\n" + path +
                ":11:10: delta check 1 of analyte 'NA' gives 'absolute' and 'percent': give only "
                "one of them (write another delta check for the other)\n");
  EXPECT_EQ(output.err, "aliquot: " + path + ": 3 problems\n");

  // --json: the same problems with their positions, and the same exit status.
  const CommandOutput json = rules({"check", path, "--json"});
  EXPECT_EQ(json.exit_code, 1) << shown(json);
  const nlohmann::json parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << shown(json);
  EXPECT_EQ(parsed["ok"], false);
  ASSERT_EQ(parsed["diagnostics"].size(), 3u);
  EXPECT_EQ(parsed["diagnostics"][1]["line"], 10);
  EXPECT_EQ(parsed["diagnostics"][1]["column"], 18);
  EXPECT_EQ(parsed["diagnostics"][1]["message"],
            "the review limits of analyte 'NA': low 160 is above high 130");
}

TEST_F(RulesCommand, ChecksTestCodesAgainstTheCatalogItIsGiven) {
  const std::string menu = runner_.write_file("menu.toml", R"toml([catalog]
name = "small menu"
version = "1"
[[section]]
code = "chemistry"
name = "Chemistry"
[[specimen_type]]
code = "serum"
name = "Serum"
[[container]]
code = "sst"
name = "Gold top"
draw_order = 3
[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 1
)toml");
  // The default rules name many tests this menu does not have.
  const CommandOutput output = rules({"check", "--catalog", menu});
  EXPECT_EQ(output.exit_code, 1) << shown(output);
  EXPECT_NE(output.out.find("autoverification.toml:"), std::string::npos) << shown(output);
  EXPECT_NE(output.out.find("key 'test' of analyte 'NA' is not a test of the catalog"),
            std::string::npos)
      << shown(output);

  const std::string rules_path = runner_.write_file("k.toml", R"toml([rules]
name = "k only"
version = "1"
[[discipline]]
section = "chemistry"
autoverify = true
[[analyte]]
test = "K"
absurd = { low = 0.5, high = 15 }
)toml");
  const CommandOutput good = rules({"check", rules_path, "--catalog", menu});
  EXPECT_EQ(good.exit_code, 0) << shown(good);
  EXPECT_EQ(good.out, rules_path + ": ok (1 analyte, 1 discipline)\n");
}

TEST_F(RulesCommand, RefusesACatalogFileWithProblemsAsBadInput) {
  const std::string menu = runner_.write_file("broken.toml", "[catalog]\nname = \"x\"\n");
  const CommandOutput output = rules({"check", "--catalog", menu});
  EXPECT_EQ(output.exit_code, 2) << shown(output);
  EXPECT_EQ(output.out, "");
  EXPECT_NE(output.err.find("aliquot: " + menu + " has "), std::string::npos) << shown(output);
}

TEST_F(RulesCommand, ListsTheWholeRuleSetAsJson) {
  const CommandOutput output = rules({"list", "--json"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json parsed = nlohmann::json::parse(output.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << shown(output);
  EXPECT_EQ(parsed["name"], "aliquot default autoverification rules");
  EXPECT_EQ(parsed["catalog"]["name"], "aliquot core menu");
  EXPECT_EQ(parsed["informational_flags"], nlohmann::json::array({"N", "L", "H", "LL", "HH", "A"}));

  const std::string file = test_support::read_file(default_rules_path());
  ASSERT_EQ(parsed["analytes"].size(),
            static_cast<std::size_t>(lines_starting_with(file, "[[analyte]]")));
  ASSERT_EQ(parsed["disciplines"].size(),
            static_cast<std::size_t>(lines_starting_with(file, "[[discipline]]")));
  EXPECT_EQ(parsed["disciplines"][0],
            nlohmann::json(
                {{"section", "chemistry"}, {"autoverify", true}, {"hold_abnormal_answers", true}}));

  nlohmann::json mcv;
  nlohmann::json potassium;
  for (const nlohmann::json& analyte : parsed["analytes"]) {
    if (analyte["test"] == "MCV") mcv = analyte;
    if (analyte["test"] == "K") potassium = analyte;
  }
  ASSERT_TRUE(mcv.is_object()) << parsed.dump(2);
  EXPECT_EQ(mcv["unit"], "fL");
  EXPECT_EQ(mcv["deltas"], nlohmann::json::array(
                               {{{"mode", "absolute"},
                                 {"limit", 3.0},
                                 {"window_seconds", 7 * 24 * 3600},
                                 {"window", "7d"},
                                 {"scope", "specimen"},
                                 {"reason", "possible specimen mix-up (wrong blood in tube)"}}}));
  EXPECT_EQ(mcv["stability"], "1d");
  EXPECT_EQ(mcv["stability_seconds"], 24 * 3600);
  EXPECT_TRUE(mcv["hemolysis"].is_null());

  ASSERT_TRUE(potassium.is_object()) << parsed.dump(2);
  EXPECT_EQ(potassium["unit"], "mmol/L");
  EXPECT_EQ(potassium["absurd"], nlohmann::json({{"low", 0.5}, {"high", 15.0}}));
  EXPECT_EQ(potassium["hemolysis"]["hold"], 20.0);
  EXPECT_TRUE(potassium["stability"].is_null());
  EXPECT_EQ(potassium["variation"], nlohmann::json({{"within_person", 4.8}, {"analytical", 1.5}}));
  EXPECT_TRUE(mcv["variation"].is_object());

  // The specimen-wide rules and the reflexes, as many as the file writes.
  EXPECT_EQ(parsed["delta_statistics"]["window"], "7d");
  EXPECT_EQ(parsed["delta_statistics"]["false_alarm"], 0.001);
  ASSERT_EQ(parsed["contaminations"].size(),
            static_cast<std::size_t>(lines_starting_with(file, "[[contamination]]")));
  EXPECT_EQ(parsed["contaminations"][0]["fluid"], "0.9 % sodium chloride");
  EXPECT_EQ(parsed["contaminations"][0]["contains"],
            nlohmann::json({{"NA", 154.0}, {"CL", 154.0}}));
  ASSERT_EQ(parsed["consistencies"].size(),
            static_cast<std::size_t>(lines_starting_with(file, "[[consistency]]")));
  EXPECT_EQ(parsed["consistencies"][1]["tests"],
            nlohmann::json::array({"WBC", "NEUT-PCT", "NEUT-ABS"}));
  EXPECT_EQ(parsed["reflexes"].size(),
            static_cast<std::size_t>(lines_starting_with(file, "[[reflex]]")));
}

TEST_F(RulesCommand, ListsTheRulesAsATableForPeople) {
  const CommandOutput output = rules({"list"});
  EXPECT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_EQ(output.out.rfind("aliquot default autoverification rules 2026.1 (catalog aliquot core "
                             "menu 2026.1)\n",
                             0),
            0u)
      << output.out;
  EXPECT_TRUE(std::regex_search(output.out, std::regex("\nMCV +fL .*> 3 fL in 7d \\(specimen\\)")))
      << output.out;
  EXPECT_TRUE(std::regex_search(output.out, std::regex("\nK +mmol/L +0\\.5-15 +1\\.5-10 +3-6 ")))
      << output.out;
  EXPECT_NE(output.out.find("\nInstrument flags that do not hold: N, L, H, LL, HH, A\n"),
            std::string::npos)
      << output.out;
}

}  // namespace
}  // namespace aliquot::cli_test
