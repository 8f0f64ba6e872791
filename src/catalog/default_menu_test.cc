// The default core menu (catalog/core-menu.toml) as built into the library.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/loinc.h"
#include "catalog/ucum.h"

namespace aliquot::catalog {
namespace {

using core::AdministrativeSex;

class DefaultMenuTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    outcome_ = new LoadOutcome(load_catalog(default_catalog_text(), kDefaultCatalogFileName));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    outcome_ = nullptr;
  }

  const Catalog& catalog() const { return *outcome_->catalog; }

  const core::TestDefinition& test(std::string_view code) const {
    const core::TestDefinition* found = catalog().find_test(code);
    EXPECT_NE(found, nullptr) << code;
    static const core::TestDefinition kMissing;
    return found == nullptr ? kMissing : *found;
  }

  std::vector<std::string> expanded(const std::string& code) const {
    std::vector<std::string> codes;
    const auto tests = catalog().expand({code});
    EXPECT_TRUE(tests.has_value()) << code;
    if (tests.has_value()) {
      for (const core::TestDefinition* t : *tests) codes.push_back(t->code);
    }
    return codes;
  }

  static LoadOutcome* outcome_;
};

LoadOutcome* DefaultMenuTest::outcome_ = nullptr;

// The intervals that apply to a patient, by the rule of core::ReferenceInterval.
std::vector<const core::ReferenceInterval*> intervals_for(const core::TestDefinition& test,
                                                          AdministrativeSex sex, int age_days) {
  std::vector<const core::ReferenceInterval*> out;
  for (const core::ReferenceInterval& interval : test.reference_intervals) {
    if (interval.sex && *interval.sex != sex) continue;
    if (age_days < interval.age_min_days) continue;
    if (interval.age_max_days && age_days >= *interval.age_max_days) continue;
    out.push_back(&interval);
  }
  return out;
}

TEST_F(DefaultMenuTest, LoadsWithoutDiagnostics) {
  for (const Diagnostic& diagnostic : outcome_->diagnostics)
    ADD_FAILURE() << diagnostic.to_string();
  ASSERT_TRUE(outcome_->catalog.has_value());
  EXPECT_EQ(catalog().name(), "aliquot core menu");
  EXPECT_FALSE(catalog().version().empty());
}

TEST_F(DefaultMenuTest, IsTheFileInTheRepository) {
  const char* source = std::getenv("ALIQUOT_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "ALIQUOT_SOURCE_DIR is not set";
  std::ifstream file(std::filesystem::path(source) / "catalog" / "core-menu.toml",
                     std::ios::binary);
  ASSERT_TRUE(file) << "cannot open catalog/core-menu.toml";
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_EQ(default_catalog_text(), text.str());
}

TEST_F(DefaultMenuTest, OffersAtLeastFortyTestsAndTheCorePanels) {
  EXPECT_GE(catalog().tests().size(), 40u);
  for (const char* panel : {"CBC", "BMP", "CMP", "LIPID", "COAG", "UA"}) {
    EXPECT_NE(catalog().find_panel(panel), nullptr) << panel;
  }
}

TEST_F(DefaultMenuTest, PanelsExpandToTheExpectedTests) {
  EXPECT_EQ(expanded("BMP"), (std::vector<std::string>{"NA", "K", "CL", "CO2", "BUN", "CREAT",
                                                       "GLU", "CA", "AGAP", "BUN-CREAT", "EGFR"}));
  EXPECT_EQ(expanded("CMP"),
            (std::vector<std::string>{"NA", "K", "CL", "CO2", "BUN", "CREAT", "GLU", "CA", "AGAP",
                                      "BUN-CREAT", "EGFR", "TP", "ALB", "TBIL", "ALP", "AST", "ALT",
                                      "AG-RATIO"}));
  EXPECT_EQ(expanded("COAG"), (std::vector<std::string>{"PT", "INR", "APTT"}));
  EXPECT_EQ(expanded("LIPID"), (std::vector<std::string>{"CHOL", "TRIG", "HDL", "LDL-D", "LDL-C"}));
  EXPECT_EQ(expanded("UA").size(), 10u);
  const std::vector<std::string> cbc = expanded("CBC");
  EXPECT_EQ(cbc.size(), 20u);
  for (const char* cell : {"NEUT", "LYMPH", "MONO", "EOS", "BASO"}) {
    for (const char* kind : {"-PCT", "-ABS"}) {
      const std::string code = std::string(cell) + kind;
      EXPECT_NE(std::find(cbc.begin(), cbc.end(), code), cbc.end()) << code;
    }
  }
}

// The calculated tests a core lab reports with its panels, with the LOINC codes of the
// calculated observations and the calculations of catalog/calculations.toml.
TEST_F(DefaultMenuTest, CalculatesEgfrAnionGapLdlAndRatiosFromThePanelsOwnTests) {
  struct Expected {
    const char* code;
    const char* loinc;
    const char* calculation;
    std::vector<std::pair<std::string, std::string>> inputs;
  };
  const std::vector<Expected> expected = {
      {"AGAP", "10466-1", "anion-gap", {{"na", "NA"}, {"cl", "CL"}, {"hco3", "CO2"}}},
      {"BUN-CREAT", "3097-3", "bun-creatinine-ratio", {{"bun", "BUN"}, {"creatinine", "CREAT"}}},
      {"EGFR", "98979-8", "egfr-ckd-epi-2021", {{"creatinine", "CREAT"}}},
      {"AG-RATIO", "1759-0", "ag-ratio", {{"albumin", "ALB"}, {"total-protein", "TP"}}},
      {"LDL-C", "13457-7", "ldl-friedewald", {{"tc", "CHOL"}, {"hdl", "HDL"}, {"tg", "TRIG"}}},
  };
  std::size_t calculated = 0;
  for (const core::TestDefinition& t : catalog().tests()) calculated += t.calculated ? 1 : 0;
  EXPECT_EQ(calculated, expected.size());
  for (const Expected& e : expected) {
    const core::TestDefinition& t = test(e.code);
    ASSERT_TRUE(t.calculated.has_value()) << e.code;
    EXPECT_EQ(t.loinc, e.loinc) << e.code;
    EXPECT_EQ(t.calculated->calculation, e.calculation) << e.code;
    std::vector<std::pair<std::string, std::string>> inputs;
    for (const core::CalculationInput& input : t.calculated->inputs) {
      inputs.emplace_back(input.input, input.test_code);
      // Drawn in the tube of its inputs, reported by their section.
      EXPECT_EQ(t.container_type, test(input.test_code).container_type) << e.code;
      EXPECT_EQ(t.section, test(input.test_code).section) << e.code;
    }
    EXPECT_EQ(inputs, e.inputs) << e.code;
  }
}

TEST_F(DefaultMenuTest, UsesValidLoincCodesAndUcumUnits) {
  std::set<std::string> loinc_codes;
  for (const core::TestDefinition& t : catalog().tests()) {
    EXPECT_TRUE(validate_loinc(t.loinc).has_value()) << t.code << " " << t.loinc;
    EXPECT_TRUE(loinc_codes.insert(t.loinc).second) << "LOINC used twice: " << t.loinc;
    if (t.kind == core::ResultKind::kNumeric) {
      EXPECT_TRUE(validate_ucum(t.unit).has_value()) << t.code << " " << t.unit;
    } else {
      EXPECT_TRUE(t.unit.empty()) << t.code;
    }
  }
  EXPECT_EQ(test("K").loinc, "2823-3");
  EXPECT_EQ(test("HGB").loinc, "718-7");
  EXPECT_EQ(test("TSH").unit, "m[IU]/L");
  EXPECT_EQ(test("WBC").unit, "10*3/uL");
}

TEST_F(DefaultMenuTest, DrawsEachTestIntoTheTubeResultsMdNames) {
  // results.md, "Specimens": CBC and HbA1c in K2EDTA; PT/INR, aPTT, fibrinogen in 3.2% citrate;
  // chemistry in serum (SST); urinalysis in a urine cup.
  for (const std::string& code : expanded("CBC")) {
    EXPECT_EQ(test(code).container_type, "k2edta") << code;
    EXPECT_EQ(test(code).specimen_type, "whole-blood") << code;
  }
  EXPECT_EQ(test("HBA1C").container_type, "k2edta");
  for (const char* code : {"PT", "INR", "APTT", "FIB"}) {
    EXPECT_EQ(test(code).container_type, "citrate") << code;
    EXPECT_EQ(test(code).specimen_type, "plasma-citrate") << code;
  }
  for (const std::string& code : expanded("CMP")) EXPECT_EQ(test(code).container_type, "sst");
  for (const std::string& code : expanded("LIPID")) EXPECT_EQ(test(code).container_type, "sst");
  for (const std::string& code : expanded("UA")) {
    EXPECT_EQ(test(code).container_type, "urine-cup") << code;
    EXPECT_EQ(test(code).section, "urinalysis") << code;
  }
}

TEST_F(DefaultMenuTest, OrdersTubesByClsiGp41) {
  // Blood culture, citrate, serum, heparin, EDTA, glycolytic inhibitor.
  const std::vector<std::string> order = {"blood-culture",   "citrate", "sst",
                                          "lithium-heparin", "k2edta",  "fluoride-oxalate"};
  for (std::size_t i = 0; i + 1 < order.size(); ++i) {
    const Container* earlier = catalog().find_container(order[i]);
    const Container* later = catalog().find_container(order[i + 1]);
    ASSERT_NE(earlier, nullptr) << order[i];
    ASSERT_NE(later, nullptr) << order[i + 1];
    EXPECT_LT(earlier->draw_order, later->draw_order) << order[i] << " before " << order[i + 1];
  }
  EXPECT_EQ(catalog().find_container("red")->draw_order,
            catalog().find_container("sst")->draw_order);
}

TEST_F(DefaultMenuTest, SetsTheWakeMedCriticalLimitsWithDocumentedFallbacks) {
  // results.md: WakeMed column; ARUP for troponin I; Starling for platelets.
  const auto limits = [&](std::string_view code) { return test(code).critical; };
  EXPECT_EQ(limits("K").low, 2.5);
  EXPECT_EQ(limits("K").high, 6.5);
  EXPECT_EQ(limits("NA").low, 120);
  EXPECT_EQ(limits("NA").high, 160);
  EXPECT_EQ(limits("GLU").low, 50);
  EXPECT_EQ(limits("GLU").high, 400);
  EXPECT_EQ(limits("CA").low, 6.5);
  EXPECT_EQ(limits("CA").high, 12.0);
  EXPECT_EQ(limits("MG").low, 1.0);
  EXPECT_EQ(limits("MG").high, 5.0);
  EXPECT_EQ(limits("HGB").low, 6);
  EXPECT_FALSE(limits("HGB").high.has_value());
  EXPECT_EQ(limits("WBC").low, 1.0);
  EXPECT_EQ(limits("WBC").high, 50);
  EXPECT_FALSE(limits("INR").low.has_value());
  EXPECT_EQ(limits("INR").high, 5.0);
  EXPECT_EQ(limits("APTT").high, 85);
  EXPECT_EQ(limits("TNI").high, 0.30);
  EXPECT_EQ(test("TNI").unit, "ng/mL");
  EXPECT_EQ(limits("PLT").low, 20);
  EXPECT_EQ(limits("PLT").high, 1000);
}

TEST_F(DefaultMenuTest, GivesEveryPatientExactlyOneIntervalForEveryNumericTest) {
  const std::vector<int> ages = {0,    1,    6,    7,    14,   15,   30,    59,    60,   181,
                                 182,  364,  365,  729,  730,  1095, 2191,  3652,  4382, 4383,
                                 5478, 6208, 6573, 6574, 6939, 9000, 21915, 36525, 54000};
  for (const core::TestDefinition& t : catalog().tests()) {
    if (t.kind != core::ResultKind::kNumeric || t.reference_intervals.empty()) continue;
    for (AdministrativeSex sex : {AdministrativeSex::kFemale, AdministrativeSex::kMale}) {
      for (int age : ages) {
        EXPECT_EQ(intervals_for(t, sex, age).size(), 1u)
            << t.code << " sex " << core::to_code(sex) << " age " << age << " days";
      }
    }
  }
}

TEST_F(DefaultMenuTest, SeparatesSexesWhereIntervalsDiffer) {
  for (const char* code : {"HGB", "HCT", "RBC", "CREAT", "ALT", "AST", "ALP"}) {
    const auto female = intervals_for(test(code), AdministrativeSex::kFemale, 40 * 365);
    const auto male = intervals_for(test(code), AdministrativeSex::kMale, 40 * 365);
    ASSERT_EQ(female.size(), 1u) << code;
    ASSERT_EQ(male.size(), 1u) << code;
    EXPECT_NE(female[0], male[0]) << code;
    EXPECT_LT(*female[0]->high, *male[0]->high) << code;
  }
}

TEST_F(DefaultMenuTest, HasPaediatricBandsWhereChildrenDiffer) {
  const auto hgb_newborn = intervals_for(test("HGB"), AdministrativeSex::kFemale, 2);
  ASSERT_EQ(hgb_newborn.size(), 1u);
  EXPECT_EQ(hgb_newborn[0]->low, 14.5);
  const auto alp_child = intervals_for(test("ALP"), AdministrativeSex::kMale, 5 * 365);
  const auto alp_adult = intervals_for(test("ALP"), AdministrativeSex::kMale, 40 * 365);
  ASSERT_EQ(alp_child.size(), 1u);
  ASSERT_EQ(alp_adult.size(), 1u);
  EXPECT_GT(*alp_child[0]->high, 2 * *alp_adult[0]->high);
  const auto creat_child = intervals_for(test("CREAT"), AdministrativeSex::kFemale, 5 * 365);
  ASSERT_EQ(creat_child.size(), 1u);
  EXPECT_LT(*creat_child[0]->high, 1.0);
}

TEST_F(DefaultMenuTest, FlagsEveryDipstickAnswerButNegative) {
  for (const std::string& code : expanded("UA")) {
    const core::TestDefinition& t = test(code);
    if (t.kind != core::ResultKind::kCoded) continue;
    ASSERT_EQ(t.reference_intervals.size(), 1u) << code;
    EXPECT_EQ(t.reference_intervals[0].text, "negative") << code;
    EXPECT_EQ(t.answers.front(), "negative") << code;
    EXPECT_EQ(std::vector<std::string>(t.answers.begin() + 1, t.answers.end()), t.abnormal_answers)
        << code;
  }
  EXPECT_EQ(test("UA-NIT").abnormal_answers, (std::vector<std::string>{"positive"}));
}

TEST_F(DefaultMenuTest, ReportsDecimalsAsTheLabDoes) {
  EXPECT_EQ(test("NA").decimals, 0);
  EXPECT_EQ(test("K").decimals, 1);
  EXPECT_EQ(test("CREAT").decimals, 2);
  EXPECT_EQ(test("UA-SG").decimals, 3);
  EXPECT_EQ(test("PLT").decimals, 0);
  EXPECT_EQ(test("INR").decimals, 1);
}

}  // namespace
}  // namespace aliquot::catalog
