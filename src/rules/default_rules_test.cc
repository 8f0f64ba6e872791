// The default autoverification rules (catalog/autoverification.toml) as built into the library,
// loaded against the default menu they are written for.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "rules/duration.h"
#include "rules/loader.h"

namespace aliquot::rules {
namespace {

class DefaultRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog::LoadOutcome menu =
        catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
    for (const catalog::Diagnostic& d : menu.diagnostics) ADD_FAILURE() << d.to_string();
    catalog_ = new catalog::Catalog(std::move(*menu.catalog));
    outcome_ = new LoadOutcome(load_rules(default_rules_text(), kDefaultRulesFileName, *catalog_));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    delete catalog_;
    outcome_ = nullptr;
    catalog_ = nullptr;
  }

  const RuleSet& rules() const { return *outcome_->rules; }

  const AnalyteRules& analyte(std::string_view code) const {
    const AnalyteRules* found = rules().find_analyte(code);
    EXPECT_NE(found, nullptr) << code;
    static const AnalyteRules kMissing;
    return found == nullptr ? kMissing : *found;
  }

  // Seconds, or -1 when the analyte has no stability rule.
  std::int64_t stability(std::string_view code) const {
    return analyte(code).stability_seconds.value_or(-1);
  }

  static catalog::Catalog* catalog_;
  static LoadOutcome* outcome_;
};

catalog::Catalog* DefaultRulesTest::catalog_ = nullptr;
LoadOutcome* DefaultRulesTest::outcome_ = nullptr;

TEST_F(DefaultRulesTest, LoadsAgainstTheDefaultMenuWithoutDiagnostics) {
  std::string all;
  for (const Error& error : outcome_->diagnostics) all += error.to_string() + "\n";
  EXPECT_EQ(all, "");
  ASSERT_TRUE(outcome_->rules.has_value());
  EXPECT_EQ(rules().name(), "aliquot default autoverification rules");
  EXPECT_GE(rules().analytes().size(), 25u);
}

TEST_F(DefaultRulesTest, IsTheFileInTheRepository) {
  const char* source = std::getenv("ALIQUOT_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "ALIQUOT_SOURCE_DIR is not set";
  std::ifstream file(std::string(source) + "/catalog/autoverification.toml", std::ios::binary);
  ASSERT_TRUE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_EQ(default_rules_text(), text.str());
}

// Every section is named; microbiology's text reports are always read by a person.
TEST_F(DefaultRulesTest, SwitchesAutoverificationOnForEverySectionButMicrobiology) {
  for (const catalog::Section& section : catalog_->sections()) {
    const DisciplineRules* discipline = rules().find_discipline(section.code);
    ASSERT_NE(discipline, nullptr) << section.code;
    EXPECT_EQ(discipline->autoverify, section.code != "microbiology") << section.code;
    EXPECT_TRUE(discipline->hold_abnormal_answers) << section.code;
  }
}

TEST_F(DefaultRulesTest, ReflexesTheThyroidCascadeAndUrineCulture) {
  std::vector<std::string> reflexes;
  for (const ReflexRule& rule : rules().reflexes()) {
    for (const std::string& added : rule.add) reflexes.push_back(rule.test_code + ">" + added);
  }
  const std::vector<std::string> expected = {"TSH>FT4", "UA-NIT>URCULT", "UA-LEU>URCULT"};
  EXPECT_EQ(reflexes, expected);
}

TEST_F(DefaultRulesTest, LetsOnlyTheRangeFlagsTheLisWorksOutItselfPass) {
  for (const char* flag : {"N", "L", "H", "LL", "HH", "A"}) {
    EXPECT_TRUE(rules().is_informational_flag(flag)) << flag;
  }
  for (const char* flag : {"", "W", ">", "<", "E", "QC"}) {
    EXPECT_FALSE(rules().is_informational_flag(flag)) << flag;
  }
}

TEST_F(DefaultRulesTest, ChecksMcvForAMixUpAcrossTheWholeSpecimen) {
  // Miller 2015: MCV delta > 3.0 fL within 7 days; results.md.
  const AnalyteRules& mcv = analyte("MCV");
  ASSERT_EQ(mcv.deltas.size(), 1u);
  const DeltaRule& delta = mcv.deltas.front();
  EXPECT_EQ(delta.mode, DeltaMode::kAbsolute);
  EXPECT_EQ(delta.limit, 3.0);
  EXPECT_EQ(duration_text(delta.window_seconds), "7d");
  EXPECT_EQ(delta.scope, DeltaScope::kSpecimen);
  EXPECT_EQ(delta.reason, "possible specimen mix-up (wrong blood in tube)");
  ASSERT_EQ(analyte("MCHC").deltas.size(), 1u);
  EXPECT_EQ(analyte("MCHC").deltas.front().scope, DeltaScope::kSpecimen);
}

TEST_F(DefaultRulesTest, HasDeltaChecksForTheClassicChemistryAnalytes) {
  for (const char* code : {"CREAT", "NA", "K", "CA", "HGB"}) {
    EXPECT_FALSE(analyte(code).deltas.empty()) << code;
    for (const DeltaRule& delta : analyte(code).deltas) {
      EXPECT_EQ(delta.scope, DeltaScope::kResult) << code;
    }
  }
}

TEST_F(DefaultRulesTest, CallsPotassiumImpossibleBelowHalfAndAboveFifteen) {
  EXPECT_EQ(analyte("K").absurd.low, 0.5);
  EXPECT_EQ(analyte("K").absurd.high, 15.0);
}

TEST_F(DefaultRulesTest, HoldsHemolysedPotassiumAndAst) {
  for (const char* code : {"K", "AST"}) {
    const IndexThresholds& hemolysis = analyte(code).indices.hemolysis;
    ASSERT_TRUE(hemolysis.hold.has_value()) << code;
    ASSERT_TRUE(hemolysis.suppress.has_value()) << code;
    EXPECT_LT(*hemolysis.hold, *hemolysis.suppress) << code;
  }
  // Roche's potassium limit since 2020 (Yin & Herskovits 2022).
  EXPECT_EQ(analyte("K").indices.hemolysis.hold, 20.0);
}

TEST_F(DefaultRulesTest, TakesSpecimenStabilityFromTheReference) {
  constexpr std::int64_t kHour = 3600;
  // results.md, "Specimens".
  EXPECT_EQ(stability("PT"), 24 * kHour);
  EXPECT_EQ(stability("INR"), 24 * kHour);
  EXPECT_EQ(stability("APTT"), 4 * kHour);
  EXPECT_EQ(stability("ALT"), 3 * 24 * kHour);
  EXPECT_EQ(stability("GLU"), 2 * kHour);
  // CBC 24 h: every component of the count and the differential, percent and absolute.
  for (const std::string& member : catalog_->find_panel("CBC")->members) {
    EXPECT_EQ(stability(member), 24 * kHour) << member;
  }
}

// A value inside every reference interval releases itself: the review limits are wider.
TEST_F(DefaultRulesTest, NeverHoldsAValueInsideAReferenceIntervalForReview) {
  for (const AnalyteRules& rules : rules().analytes()) {
    const core::TestDefinition* test = catalog_->find_test(rules.test_code);
    ASSERT_NE(test, nullptr) << rules.test_code;
    for (const core::ReferenceInterval& interval : test->reference_intervals) {
      if (rules.review.low && interval.low) {
        EXPECT_LE(*rules.review.low, *interval.low) << rules.test_code;
      }
      if (rules.review.high && interval.high) {
        EXPECT_GE(*rules.review.high, *interval.high) << rules.test_code;
      }
    }
  }
}

// Critical values are held for the call anyway; review limits are set short of them, and absurd
// limits beyond them.
TEST_F(DefaultRulesTest, OrdersAbsurdCriticalAndReviewLimits) {
  int compared = 0;
  for (const AnalyteRules& rules : rules().analytes()) {
    const core::CriticalLimits& critical = catalog_->find_test(rules.test_code)->critical;
    if (critical.low) {
      if (rules.review.low) {
        EXPECT_GT(*rules.review.low, *critical.low) << rules.test_code;
        ++compared;
      }
      if (rules.absurd.low) {
        EXPECT_LT(*rules.absurd.low, *critical.low) << rules.test_code;
      }
    }
    if (critical.high) {
      if (rules.review.high) {
        EXPECT_LT(*rules.review.high, *critical.high) << rules.test_code;
        ++compared;
      }
      if (rules.absurd.high) {
        EXPECT_GT(*rules.absurd.high, *critical.high) << rules.test_code;
      }
    }
  }
  EXPECT_GE(compared, 15);
}

}  // namespace
}  // namespace aliquot::rules
