#include "rules/specimen_checks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "rules/loader.h"

namespace aliquot::rules {
namespace {

using std::chrono::hours;

const catalog::Catalog& menu() {
  static const catalog::Catalog* const loaded = [] {
    catalog::LoadOutcome outcome =
        catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
    return new catalog::Catalog(std::move(*outcome.catalog));
  }();
  return *loaded;
}

// Rules with the statistics at 1 in 1000 and the given further text.
RuleSet rules_with(const std::string& more) {
  const std::string text = R"toml([rules]
name = "specimen checks"
version = "1"
[[discipline]]
section = "chemistry"
autoverify = true
[[discipline]]
section = "hematology"
autoverify = true
[delta_statistics]
window = "7d"
false_alarm = 0.001
minimum_analytes = 3
[[analyte]]
test = "NA"
variation = { within_person = 0.7, analytical = 0.6 }
[[analyte]]
test = "K"
variation = { within_person = 4.8, analytical = 1.5 }
[[analyte]]
test = "CL"
variation = { within_person = 1.2, analytical = 1.0 }
[[analyte]]
test = "CO2"
variation = { within_person = 4.8, analytical = 2.0 }
[[analyte]]
test = "BUN"
variation = { within_person = 12.3, analytical = 3.0 }
[[analyte]]
test = "CREAT"
variation = { within_person = 5.95, analytical = 2.5 }
[[analyte]]
test = "GLU"
variation = { within_person = 5.7, analytical = 2.0 }
[[analyte]]
test = "CA"
variation = { within_person = 1.9, analytical = 1.0 }
)toml" + more;
  LoadOutcome outcome = load_rules(text, "checks.toml", menu());
  for (const Error& error : outcome.diagnostics) ADD_FAILURE() << error.to_string();
  return std::move(*outcome.rules);
}

const std::string kSaline = R"toml(
[[contamination]]
fluid = "0.9 % sodium chloride"
contains = { NA = 154, CL = 154 }
dilutes = ["K", "CO2", "BUN", "CREAT", "GLU", "CA"]
[[contamination]]
fluid = "5 % dextrose"
contains = { GLU = 5000 }
dilutes = ["NA", "K", "CL", "CO2", "BUN", "CREAT", "CA"]
)toml";

const std::string kDifferential = R"toml(
[[consistency]]
name = "neutrophils: absolute = WBC x % / 100"
value = "NEUT_ABS"
expected = "WBC * NEUT_PCT / 100"
reason = "a changed dilution factor or a manual edit"
)toml";

// One specimen's results, each with the patient's previous result of two days before (where
// given), judged together.
class Specimen {
 public:
  explicit Specimen(const RuleSet& rules) : rules_(rules) {
    facts_.collected_at = core::Instant{} + hours(24 * 400);
    facts_.measured_at = facts_.collected_at + hours(1);
  }

  // `test` with `decimals` replacing the catalog's, so that a value can be placed as exactly as
  // a boundary needs.
  Specimen& add(const std::string& code, double value, std::optional<double> previous = {},
                std::optional<int> decimals = {}) {
    core::TestDefinition test = *menu().find_test(code);
    if (decimals) test.decimals = *decimals;
    tests_.push_back(test);
    core::ResultValue result;
    result.number = value;
    result.decimals = test.decimals;
    result.unit = test.unit;
    values_.push_back(result);
    previous_.push_back(previous);
    return *this;
  }

  std::vector<Decision> judge() {
    std::vector<Candidate> candidates(tests_.size());
    for (std::size_t i = 0; i < tests_.size(); ++i) {
      candidates[i].test = &tests_[i];
      candidates[i].value = &values_[i];
      if (previous_[i]) {
        candidates[i].previous = PreviousResult{*previous_[i], facts_.collected_at - hours(48)};
      }
    }
    std::vector<Decision> decisions(candidates.size());
    evaluate_specimen(rules_, facts_, candidates, decisions);
    return decisions;
  }

 private:
  const RuleSet& rules_;
  SpecimenFacts facts_;
  std::vector<core::TestDefinition> tests_;
  std::vector<core::ResultValue> values_;
  std::vector<std::optional<double>> previous_;
};

// The categories of a decision's reasons, in order.
std::vector<std::string> categories(const Decision& decision) {
  std::vector<std::string> codes;
  for (const Reason& reason : decision.reasons) codes.emplace_back(to_code(reason.category));
  return codes;
}

bool has(const Decision& decision, Category category) {
  for (const Reason& reason : decision.reasons) {
    if (reason.category == category) return true;
  }
  return false;
}

// The standard deviation of ln(current / previous) for a stable patient, from the CVs alone
// (the rounding term vanishes at many decimals), as rules/specimen_checks.h defines it.
double log_sigma(double within_percent, double analytical_percent) {
  return std::sqrt(2 * (std::log1p(std::pow(within_percent / 100, 2)) +
                        std::log1p(std::pow(analytical_percent / 100, 2))));
}

TEST(LoadedStatistics, WorksOutTheLimitsFromTheFalseAlarmRate) {
  const RuleSet rules = rules_with("");
  ASSERT_TRUE(rules.delta_statistics().has_value());
  const DeltaStatistics& statistics = *rules.delta_statistics();
  // Normal quantiles at 1 - 0.0005 and 1 - 0.001; chi-square at 0.999 with 1, 3 and 10 degrees
  // of freedom (standard tables).
  EXPECT_NEAR(statistics.change_limit, 3.2905, 1e-4);
  EXPECT_NEAR(statistics.one_sided_limit, 3.0902, 1e-4);
  EXPECT_NEAR(statistics.joint_limits[1], 10.828, 1e-3);
  EXPECT_NEAR(statistics.joint_limits[3], 16.266, 1e-3);
  EXPECT_NEAR(statistics.joint_limits[10], 29.588, 1e-3);
  EXPECT_EQ(statistics.window_seconds, 7 * 86400);
  EXPECT_TRUE(rules.compares_with_previous("NA"));
  EXPECT_FALSE(rules.compares_with_previous("ALT"));
}

TEST(ReferenceChangeValue, HoldsAChangeJustBeyondTheLimitAndNotOneJustWithin) {
  const RuleSet rules = rules_with("");
  const double sigma = log_sigma(0.7, 0.6);
  const double limit = rules.delta_statistics()->change_limit;
  const double previous = 140;
  for (const double direction : {1.0, -1.0}) {
    const double boundary = previous * std::exp(direction * limit * sigma);
    const std::vector<Decision> within =
        Specimen(rules).add("NA", boundary * (1 - direction * 1e-4), previous, 6).judge();
    EXPECT_TRUE(within[0].autoverify) << direction;
    const std::vector<Decision> beyond =
        Specimen(rules).add("NA", boundary * (1 + direction * 1e-4), previous, 6).judge();
    ASSERT_FALSE(beyond[0].autoverify) << direction;
    EXPECT_EQ(categories(beyond[0]), std::vector<std::string>{"delta-check"});
    const Reason& reason = beyond[0].reasons.front();
    EXPECT_EQ(reason.rule, "NA reference change value within 7d");
    EXPECT_EQ(reason.threshold,
              "change within -4.2 % to +4.4 % (reference change value, 1 in 1000)");
  }
}

TEST(ReferenceChangeValue, CountsTheRoundingOfBothReportedValues) {
  const RuleSet rules = rules_with("");
  // Sodium reported in whole mmol/L: 140 -> 146 is +4.3 %, within once rounding is counted;
  // 140 -> 147 (+5 %) is not.
  EXPECT_TRUE(Specimen(rules).add("NA", 146, 140.0).judge()[0].autoverify);
  const std::vector<Decision> beyond = Specimen(rules).add("NA", 147, 140.0).judge();
  ASSERT_FALSE(beyond[0].autoverify);
  EXPECT_EQ(beyond[0].reasons.front().observed,
            "147 mmol/L, previous 140 mmol/L 2d earlier: +5.0 %");
}

TEST(ReferenceChangeValue, IgnoresAnalytesWithoutVariationOrHistoryOrBeyondTheWindow) {
  const RuleSet rules = rules_with("");
  // ALT has no variation; NA has no previous result.
  const std::vector<Decision> decisions =
      Specimen(rules).add("ALT", 300, 20.0).add("NA", 160).judge();
  EXPECT_TRUE(decisions[0].autoverify);
  EXPECT_FALSE(has(decisions[1], Category::kDeltaCheck));
}

// Four analytes each 2.5 standard deviations off: none alone beyond its RCV (3.29), together
// 25 > 18.47 (chi-square, 4 degrees of freedom) and 18.75 > 16.27 without the largest.
TEST(MultiAnalyteDelta, HoldsEveryResultWhenManyAnalytesChangeTogether) {
  const RuleSet rules = rules_with("");
  const auto shifted = [](double previous, double within, double analytical, double z) {
    return previous * std::exp(z * log_sigma(within, analytical));
  };
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("NA", shifted(140, 0.7, 0.6, 2.5), 140.0, 6)
                                              .add("CL", shifted(100, 1.2, 1.0, -2.5), 100.0, 6)
                                              .add("CA", shifted(9.5, 1.9, 1.0, 2.5), 9.5, 6)
                                              .add("K", shifted(4.0, 4.8, 1.5, -2.5), 4.0, 6)
                                              .add("ALT", 25)
                                              .judge();
  for (const Decision& decision : decisions) {
    ASSERT_FALSE(decision.autoverify);
    EXPECT_EQ(categories(decision), std::vector<std::string>{"multi-analyte-delta"});
    const Reason& reason = decision.reasons.front();
    EXPECT_EQ(reason.action, Action::kInvestigateMixUp);
    EXPECT_EQ(reason.rule, "multi-analyte delta within 7d");
    EXPECT_EQ(reason.observed.substr(0, 51), "4 analytes: sum of squared changes 25.0, 18.8 witho");
    EXPECT_EQ(reason.threshold, "at most 18.5 (16.3 without the largest; chi-square, 1 in 1000)");
  }
}

TEST(MultiAnalyteDelta, DoesNotFireJustShortOfTheJointLimit) {
  const RuleSet rules = rules_with("");
  const auto shifted = [](double previous, double within, double analytical, double z) {
    return previous * std::exp(z * log_sigma(within, analytical));
  };
  // 4 x 2.1^2 = 17.6 < 18.47.
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("NA", shifted(140, 0.7, 0.6, 2.1), 140.0, 6)
                                              .add("CL", shifted(100, 1.2, 1.0, 2.1), 100.0, 6)
                                              .add("CA", shifted(9.5, 1.9, 1.0, 2.1), 9.5, 6)
                                              .add("K", shifted(4.0, 4.8, 1.5, 2.1), 4.0, 6)
                                              .judge();
  for (const Decision& decision : decisions) EXPECT_TRUE(decision.autoverify);
}

// One large change (a diabetic's glucose) is that result's business: the others release.
TEST(MultiAnalyteDelta, LeavesTheOtherResultsAloneWhenOneAnalyteAloneChanged) {
  const RuleSet rules = rules_with("");
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("GLU", 350, 100.0)
                                              .add("NA", 140, 140.0)
                                              .add("CL", 101, 100.0)
                                              .add("CA", 9.5, 9.5)
                                              .judge();
  EXPECT_EQ(categories(decisions[0]), std::vector<std::string>{"delta-check"});
  for (std::size_t i = 1; i < decisions.size(); ++i) EXPECT_TRUE(decisions[i].autoverify) << i;
}

TEST(MultiAnalyteDelta, NeedsTheMinimumNumberOfAnalytes) {
  const RuleSet rules = rules_with("");
  // Two analytes each 3 SD off: 18 > 13.8 (2 degrees of freedom), but fewer than 3 analytes.
  const double sigma_na = log_sigma(0.7, 0.6);
  const double sigma_cl = log_sigma(1.2, 1.0);
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("NA", 140 * std::exp(3 * sigma_na), 140.0, 6)
                                              .add("CL", 100 * std::exp(3 * sigma_cl), 100.0, 6)
                                              .judge();
  for (const Decision& decision : decisions) EXPECT_TRUE(decision.autoverify);
}

// A basic metabolic panel with 15 % of 0.9 % saline drawn into it: every result is held, and
// the fitted share is named.
TEST(Contamination, HoldsTheSpecimenWhenTheChangesFitSaline) {
  const RuleSet rules = rules_with(kSaline);
  const std::map<std::string, double> previous = {{"NA", 139}, {"K", 4.2},  {"CL", 102},
                                                  {"CO2", 25}, {"BUN", 14}, {"CREAT", 0.9},
                                                  {"GLU", 95}, {"CA", 9.4}};
  Specimen specimen(rules);
  for (const auto& [code, value] : previous) {
    const double fluid = (code == "NA" || code == "CL") ? 154 : 0;
    specimen.add(code, 0.85 * value + 0.15 * fluid, value, 4);
  }
  const std::vector<Decision> decisions = specimen.judge();
  for (const Decision& decision : decisions) {
    ASSERT_TRUE(has(decision, Category::kContamination));
    for (const Reason& reason : decision.reasons) {
      if (reason.category != Category::kContamination) continue;
      EXPECT_EQ(reason.rule, "contamination: 0.9 % sodium chloride");
      EXPECT_EQ(reason.action, Action::kRecollect);
      EXPECT_EQ(reason.observed.substr(0, 36), "fits 15 % of 0.9 % sodium chloride (");
      EXPECT_NE(reason.message.find("blood drawn above an IV line"), std::string::npos);
    }
  }
}

TEST(Contamination, DoesNotTakeARisingGlucoseAloneForDextrose) {
  const RuleSet rules = rules_with(kSaline);
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("GLU", 450, 120.0)
                                              .add("NA", 139, 139.0)
                                              .add("K", 4.1, 4.2)
                                              .add("CL", 101, 102.0)
                                              .add("CA", 9.4, 9.4)
                                              .judge();
  for (const Decision& decision : decisions) {
    EXPECT_FALSE(has(decision, Category::kContamination))
        << ::testing::PrintToString(categories(decision));
  }
}

TEST(Contamination, HoldsTheSpecimenWhenGlucoseRisesAndTheRestIsDiluted) {
  const RuleSet rules = rules_with(kSaline);
  const std::map<std::string, double> previous = {{"NA", 139}, {"K", 4.2},  {"CL", 102},
                                                  {"CO2", 25}, {"CA", 9.4}, {"GLU", 110}};
  Specimen specimen(rules);
  for (const auto& [code, value] : previous) {
    const double fluid = code == "GLU" ? 5000 : 0;
    specimen.add(code, 0.9 * value + 0.1 * fluid, value, 4);
  }
  for (const Decision& decision : specimen.judge()) {
    bool dextrose = false;
    for (const Reason& reason : decision.reasons) {
      dextrose = dextrose || reason.rule == "contamination: 5 % dextrose";
    }
    EXPECT_TRUE(dextrose);
  }
}

// WBC 7.3 and 61.4 % give 4.4822; rounding WBC (0.05), the share (0.05 %) and the count (0.005)
// allows 0.03935 (0.005 + 0.05 x 0.614 + 0.05 x 0.073): 4.52 agrees, 4.53 does not.
TEST(Consistency, AllowsWhatRoundingExplainsAndNoMore) {
  const RuleSet rules = rules_with(kDifferential);
  const std::vector<Decision> agreeing =
      Specimen(rules).add("WBC", 7.3).add("NEUT-PCT", 61.4).add("NEUT-ABS", 4.52).judge();
  for (const Decision& decision : agreeing) EXPECT_TRUE(decision.autoverify);

  const std::vector<Decision> disagreeing =
      Specimen(rules).add("WBC", 7.3).add("NEUT-PCT", 61.4).add("NEUT-ABS", 4.53).judge();
  for (const Decision& decision : disagreeing) {
    ASSERT_EQ(categories(decision), std::vector<std::string>{"consistency"});
    const Reason& reason = decision.reasons.front();
    EXPECT_EQ(reason.rule, "consistency: neutrophils: absolute = WBC x % / 100");
    EXPECT_EQ(reason.observed,
              "NEUT_ABS = 4.53, WBC * NEUT_PCT / 100 = 4.482 (WBC 7.3, NEUT-PCT 61.4, NEUT-ABS "
              "4.53)");
    EXPECT_EQ(reason.threshold, "agree within 0.03935 (rounding of the reported values)");
    EXPECT_NE(reason.message.find("a changed dilution factor or a manual edit"), std::string::npos);
  }
}

TEST(Consistency, HoldsOnlyTheResultsItReadsAndSkipsAnIncompleteSet) {
  const RuleSet rules = rules_with(kDifferential);
  const std::vector<Decision> decisions = Specimen(rules)
                                              .add("WBC", 7.3)
                                              .add("NEUT-PCT", 61.4)
                                              .add("NEUT-ABS", 44.8)
                                              .add("HGB", 14.1)
                                              .judge();
  EXPECT_FALSE(decisions[0].autoverify);
  EXPECT_FALSE(decisions[2].autoverify);
  EXPECT_TRUE(decisions[3].autoverify);
  // Without the percentage there is nothing to compare.
  for (const Decision& decision : Specimen(rules).add("WBC", 7.3).add("NEUT-ABS", 44.8).judge()) {
    EXPECT_TRUE(decision.autoverify);
  }
}

// The rules file's mistakes, each named with its place.
std::vector<std::string> problems(const std::string& text) {
  const LoadOutcome outcome = load_rules(R"toml([rules]
name = "r"
version = "1"
)toml" + text,
                                         "checks.toml", menu());
  std::vector<std::string> found;
  for (const Error& error : outcome.diagnostics) found.push_back(error.to_string());
  return found;
}

TEST(SpecimenRulesLoader, NamesEveryMistake) {
  EXPECT_EQ(
      problems("[[analyte]]\ntest = \"NA\"\nvariation = { within_person = 0.7, analytical "
               "= 0.6 }\n"),
      std::vector<std::string>{"checks.toml:4:1: the variation of analyte 'NA' is used only by "
                               "[delta_statistics], which the file does not have"});
  EXPECT_EQ(problems("[delta_statistics]\nwindow = \"7d\"\nfalse_alarm = 0.5\n"),
            std::vector<std::string>{"checks.toml:6:15: key 'false_alarm' of [delta_statistics] "
                                     "must be above 0 and at most 0.1, not 0.5"});
  EXPECT_EQ(problems("[delta_statistics]\nwindow = \"7d\"\nfalse_alarm = 0.01\n"
                     "[[analyte]]\ntest = \"NA\"\nvariation = { within_person = 0, analytical = "
                     "0.6 }\n"),
            std::vector<std::string>{
                "checks.toml:9:31: key 'within_person' of the variation of analyte 'NA' must be "
                "a coefficient of variation in percent, above 0 and at most 100, not 0"});
  EXPECT_EQ(
      problems("[delta_statistics]\nwindow = \"7d\"\nfalse_alarm = 0.01\n"
               "[[analyte]]\ntest = \"NA\"\nvariation = { within_person = 0.7, analytical = 0.6 "
               "}\n[[contamination]]\nfluid = \"saline\"\ncontains = { NA = 154, CLL = 154 }\n"
               "dilutes = [\"NA\", \"K\"]\n"),
      (std::vector<std::string>{
          "checks.toml:12:24: test 'CLL' of contamination 'saline' is not a test of the catalog "
          "(did you mean 'CL'?)",
          "checks.toml:13:12: test 'NA' of contamination 'saline' is given twice (in 'contains' "
          "and 'dilutes')"}));
  EXPECT_EQ(
      problems("[delta_statistics]\nwindow = \"7d\"\nfalse_alarm = 0.01\n"
               "[[analyte]]\ntest = \"NA\"\nvariation = { within_person = 0.7, analytical = 0.6 "
               "}\n[[contamination]]\nfluid = \"saline\"\ncontains = { NA = 154 }\n"
               "dilutes = [\"K\"]\n"),
      std::vector<std::string>{
          "checks.toml:10:1: test 'K' of contamination 'saline' has no variation: give its "
          "[[analyte]] a variation = { within_person, analytical }"});
  EXPECT_EQ(problems("[[consistency]]\nname = \"c\"\nvalue = \"NEUT_AB\"\nexpected = \"WBC\"\n"),
            std::vector<std::string>{
                "checks.toml:6:10: key 'value' of consistency 'c': unknown name 'NEUT_AB' (did "
                "you mean 'NEUT_ABS'?)"});
}

}  // namespace
}  // namespace aliquot::rules
