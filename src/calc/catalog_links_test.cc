#include "calc/catalog_links.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "calc/default_calculation_set.h"
#include "catalog/catalog.h"

namespace aliquot::calc {
namespace {

// Sections, specimen types and containers, then measured tests: 12 lines before the first test.
constexpr std::string_view kPreamble = R"toml([catalog]
name = "menu"
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
)toml";

// A measured test on one line per key, so that the line of each test is easy to count.
std::string measured(std::string_view code, std::string_view unit, std::string_view kind = "") {
  std::string text = "[[test]]\ncode = \"" + std::string(code) + "\"\nname = \"" +
                     std::string(code) +
                     "\"\nloinc = \"2160-0\"\nsection = \"chemistry\"\nspecimen_type = "
                     "\"serum\"\ncontainer = \"sst\"\n";
  if (kind.empty()) {
    text += "unit = \"" + std::string(unit) + "\"\ndecimals = 0\n";
  } else {
    text += "kind = \"" + std::string(kind) + "\"\n";
  }
  return text;
}

// A calculated test whose `calculation` line is the last.
std::string calculated(std::string_view code, std::string_view unit, std::string_view calculation) {
  return measured(code, unit) + "calculation = " + std::string(calculation) + "\n";
}

catalog::Catalog load_menu(const std::string& tests) {
  catalog::LoadOutcome outcome = catalog::load_catalog(std::string(kPreamble) + tests, "menu.toml");
  for (const catalog::Diagnostic& d : outcome.diagnostics) ADD_FAILURE() << d.to_string();
  if (!outcome.catalog) throw std::runtime_error("catalog did not load");
  return std::move(*outcome.catalog);
}

std::vector<std::string> menu_problems(const catalog::Catalog& menu) {
  std::vector<std::string> out;
  for (const Error& error : check_catalog_links(menu, default_calculation_set(), "menu.toml")) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    out.push_back(error.to_string());
  }
  return out;
}

TEST(CheckCatalogLinks, AcceptsTheDefaultMenu) {
  catalog::LoadOutcome menu =
      catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
  ASSERT_TRUE(menu.catalog.has_value());
  EXPECT_EQ(check_catalog_links(*menu.catalog, default_calculation_set(), "core-menu.toml").size(),
            0u);
  EXPECT_TRUE(
      refuse_broken_links(*menu.catalog, default_calculation_set(), "core-menu.toml").has_value());
}

TEST(CheckCatalogLinks, AcceptsACatalogWithoutCalculatedTests) {
  EXPECT_EQ(menu_problems(load_menu(measured("CREAT", "mg/dL"))), std::vector<std::string>{});
}

// The preamble is 13 lines; a measured numeric test takes 9 lines, a text test 8, a calculated
// test 10 with its `calculation` line last. Column 0: the position names the line only.
constexpr int kFirstTest = 14;
constexpr int kNumeric = 9;
constexpr int kText = 8;
std::string menu_line(int line) { return "menu.toml:" + std::to_string(line) + ": "; }

TEST(CheckCatalogLinks, NamesAnUnknownCalculationWithTheNearestName) {
  const catalog::Catalog menu =
      load_menu(measured("CREAT", "mg/dL") +
                calculated("EGFR", "mL/min/{1.73_m2}",
                           R"({ name = "egfr-ckd-epi-2012", inputs = { creatinine = "CREAT" } })"));
  EXPECT_EQ(menu_problems(menu),
            std::vector<std::string>{
                menu_line(kFirstTest + kNumeric + 9) +
                "test 'EGFR' is calculated by 'egfr-ckd-epi-2012', which the calculations "
                "'aliquot default calculations' do not define (did you mean "
                "'egfr-ckd-epi-2021'?)"});
}

TEST(CheckCatalogLinks, NamesEveryBrokenInputLink) {
  const catalog::Catalog menu =
      load_menu(measured("CREAT", "umol/L") + measured("UA", "", "text") +
                calculated("EGFR", "mL/min/{1.73_m2}",
                           R"({ name = "egfr-ckd-epi-2021", inputs = { creatinine = "CREAT", )"
                           R"(crea = "CREAT", age = "CREAT", sex = "UA" } })") +
                calculated("LDL", "mg/dL",
                           R"({ name = "ldl-friedewald", inputs = { tc = "CHL", hdl = "UA", )"
                           R"(tg = "EGFR" } })"));
  const int egfr = kFirstTest + kNumeric + kText + 9;
  const int ldl = egfr + 10;
  const std::string at_egfr = menu_line(egfr);
  const std::string at_ldl = menu_line(ldl);
  EXPECT_EQ(
      menu_problems(menu),
      (std::vector<std::string>{
          at_egfr + "test 'EGFR' (calculation 'egfr-ckd-epi-2021') maps input 'creatinine' to "
                    "test 'CREAT', which reports 'umol/L'; the calculation takes 'mg/dL'",
          at_egfr + "test 'EGFR' (calculation 'egfr-ckd-epi-2021') maps input 'crea', which the "
                    "calculation does not have; its inputs: creatinine, age, sex",
          at_egfr + "test 'EGFR' (calculation 'egfr-ckd-epi-2021'): input 'age' comes from the "
                    "patient; it is not mapped to a test",
          at_egfr + "test 'EGFR' (calculation 'egfr-ckd-epi-2021'): input 'sex' comes from the "
                    "patient; it is not mapped to a test",
          at_ldl + "test 'LDL' (calculation 'ldl-friedewald') maps input 'tc' to unknown test "
                   "'CHL' (did you mean 'LDL'?)",
          at_ldl + "test 'LDL' (calculation 'ldl-friedewald') maps input 'hdl' to test 'UA', "
                   "which is text, not numeric",
          at_ldl + "test 'LDL' (calculation 'ldl-friedewald') maps input 'tg' to test 'EGFR', "
                   "which is itself calculated; inputs are measured tests",
      }));
}

TEST(CheckCatalogLinks, RequiresEveryRequiredInputAndTheCalculationsUnit) {
  const catalog::Catalog menu = load_menu(
      measured("NA", "mmol/L") + measured("CL", "mmol/L") +
      calculated("AGAP", "meq/L", R"({ name = "anion-gap", inputs = { na = "NA", cl = "CL" } })") +
      calculated("SELF", "mg/dL", R"({ name = "ldl-friedewald", inputs = { tc = "SELF" } })"));
  const int agap = kFirstTest + 2 * kNumeric;  // the [[test]] line
  const int self = agap + 10 + 9;              // the calculation line
  EXPECT_EQ(
      menu_problems(menu),
      (std::vector<std::string>{
          menu_line(agap) + "test 'AGAP' reports unit 'meq/L' but calculation 'anion-gap' gives "
                            "'mmol/L'",
          menu_line(agap + 9) + "test 'AGAP' (calculation 'anion-gap'): required input 'hco3' "
                                "(Bicarbonate (total CO2), mmol/L) is not mapped to a test",
          menu_line(self) + "test 'SELF' (calculation 'ldl-friedewald') maps input 'tc' to test "
                            "'SELF': a test cannot be calculated from itself",
          menu_line(self) + "test 'SELF' (calculation 'ldl-friedewald'): required input 'hdl' "
                            "(HDL cholesterol, mg/dL) is not mapped to a test",
          menu_line(self) + "test 'SELF' (calculation 'ldl-friedewald'): required input 'tg' "
                            "(Triglycerides, mg/dL) is not mapped to a test",
      }));
}

TEST(RefuseBrokenLinks, RefusesWithEveryProblemOnItsOwnLine) {
  const catalog::Catalog menu =
      load_menu(measured("CREAT", "mg/dL") +
                calculated("EGFR", "mL/min",
                           R"({ name = "egfr-ckd-epi-2021", inputs = { creatinin = "CREAT" } })"));
  const Result<void> refused = refuse_broken_links(menu, default_calculation_set(), "menu.toml");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  const int egfr = kFirstTest + kNumeric;
  EXPECT_EQ(refused.error().message(),
            "catalog 'menu.toml' does not fit the calculations 'aliquot default calculations' (3 "
            "problems):\n" +
                menu_line(egfr) +
                "test 'EGFR' reports unit 'mL/min' but calculation 'egfr-ckd-epi-2021' gives "
                "'mL/min/{1.73_m2}'\n" +
                menu_line(egfr + 9) +
                "test 'EGFR' (calculation 'egfr-ckd-epi-2021') maps input 'creatinin', which the "
                "calculation does not have (did you mean 'creatinine'?); its inputs: "
                "creatinine, age, sex\n" +
                menu_line(egfr + 9) +
                "test 'EGFR' (calculation 'egfr-ckd-epi-2021'): required input 'creatinine' "
                "(Creatinine, mg/dL) is not mapped to a test");
}

TEST(IsPatientInput, IsAgeAndSexOnly) {
  EXPECT_TRUE(is_patient_input("age"));
  EXPECT_TRUE(is_patient_input("Sex"));
  EXPECT_FALSE(is_patient_input("creatinine"));
}

}  // namespace
}  // namespace aliquot::calc
