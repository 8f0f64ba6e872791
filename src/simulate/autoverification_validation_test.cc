#include "simulate/autoverification_validation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "rules/loader.h"
#include "simulate/default_catalog_for_tests.h"

namespace aliquot::simulate {
namespace {

const rules::RuleSet& default_rules() {
  static const rules::RuleSet set = [] {
    rules::LoadOutcome outcome = rules::load_rules(rules::default_rules_text(),
                                                   rules::kDefaultRulesFileName, default_catalog());
    if (!outcome.rules) std::abort();
    return std::move(*outcome.rules);
  }();
  return set;
}

// Every section of the default menu named, with autoverification `on`, and nothing else.
rules::RuleSet disciplines_only(bool on) {
  rules::RuleSetBuilder builder;
  builder.name("disciplines only").version("test");
  for (const catalog::Section& section : default_catalog().sections()) {
    builder.discipline(rules::DisciplineRules{.section = section.code, .autoverify = on});
  }
  return builder.build();
}

ValidationOptions small_day() {
  ValidationOptions options;
  options.patients = 120;
  options.seed = 7;
  return options;
}

ValidationReport validate(const rules::RuleSet& set, const ValidationOptions& options) {
  Result<ValidationReport> report = validate_autoverification(default_catalog(), set, options);
  EXPECT_TRUE(report.has_value()) << report.error().to_string();
  return report.has_value() ? std::move(*report) : ValidationReport{};
}

const ClassOutcome& outcome_of(const ValidationReport& report, ErrorClass error_class) {
  for (const ClassOutcome& outcome : report.classes) {
    if (outcome.error_class == error_class) return outcome;
  }
  static const ClassOutcome none;
  ADD_FAILURE() << "no outcome for " << to_code(error_class);
  return none;
}

TEST(ValidateAutoverification, GivesTheSameReportForTheSameSeed) {
  const ValidationReport first = validate(default_rules(), small_day());
  const ValidationReport second = validate(default_rules(), small_day());
  ASSERT_GT(first.results, 0);
  EXPECT_EQ(first.specimens, second.specimens);
  EXPECT_EQ(first.results, second.results);
  EXPECT_EQ(first.autoverified, second.autoverified);
  ASSERT_EQ(first.holds.size(), second.holds.size());
  for (std::size_t i = 0; i < first.holds.size(); ++i) {
    EXPECT_EQ(first.holds[i].rule, second.holds[i].rule);
    EXPECT_EQ(first.holds[i].results, second.holds[i].results);
  }
  ASSERT_EQ(first.classes.size(), second.classes.size());
  for (std::size_t i = 0; i < first.classes.size(); ++i) {
    EXPECT_EQ(first.classes[i].specimens, second.classes[i].specimens);
    EXPECT_EQ(first.classes[i].affected_results, second.classes[i].affected_results);
    EXPECT_EQ(first.classes[i].wrongly_autoverified, second.classes[i].wrongly_autoverified);
    EXPECT_EQ(first.classes[i].misses_by_test, second.classes[i].misses_by_test);
  }

  ValidationOptions other = small_day();
  other.seed = 8;
  const ValidationReport another_day = validate(default_rules(), other);
  EXPECT_TRUE(another_day.results != first.results ||
              another_day.autoverified != first.autoverified);
}

TEST(ValidateAutoverification, CountsEveryInjectedClass) {
  const ValidationReport report = validate(default_rules(), small_day());
  ASSERT_EQ(report.classes.size(), std::size(kErrorClasses));
  for (std::size_t i = 0; i < report.classes.size(); ++i) {
    const ClassOutcome& outcome = report.classes[i];
    SCOPED_TRACE(std::string(to_code(outcome.error_class)));
    EXPECT_EQ(outcome.error_class, kErrorClasses[i]);
    EXPECT_GT(outcome.eligible_specimens, 0);
    // The rate's share of the eligible specimens, at least kMinimumInjected, at most all.
    const int by_rate =
        static_cast<int>(std::ceil(small_day().injection_rate * outcome.eligible_specimens));
    EXPECT_EQ(outcome.specimens,
              std::min(outcome.eligible_specimens, std::max(by_rate, kMinimumInjected)));
    EXPECT_LE(outcome.specimens, outcome.eligible_specimens);
    EXPECT_GT(outcome.affected_results, 0);
    EXPECT_LE(outcome.wrongly_autoverified, outcome.affected_results);
    EXPECT_LE(outcome.within_delta_limit, outcome.wrongly_autoverified);
    EXPECT_LE(outcome.specimens_with_a_miss, outcome.specimens);
    const int misses =
        std::accumulate(outcome.misses_by_test.begin(), outcome.misses_by_test.end(), 0,
                        [](int sum, const auto& entry) { return sum + entry.second; });
    EXPECT_EQ(misses, outcome.wrongly_autoverified);
  }
  int section_results = 0;
  int section_autoverified = 0;
  for (const SectionRate& section : report.sections) {
    section_results += section.results;
    section_autoverified += section.autoverified;
  }
  EXPECT_EQ(section_results, report.results);
  EXPECT_EQ(section_autoverified, report.autoverified);
  EXPECT_GT(report.clean_rate(), 0.0);
  EXPECT_LE(report.clean_rate(), 1.0);
}

TEST(ValidateAutoverification, HoldsEveryFlaggedResultAndEveryResultOfAFailedQcRun) {
  // The engine holds every flag the rules do not call informational, and every result measured
  // while QC fails: a harness that did not pass them to the engine would count misses here.
  const ValidationReport report = validate(default_rules(), small_day());
  EXPECT_EQ(outcome_of(report, ErrorClass::kInstrumentFlag).wrongly_autoverified, 0);
  EXPECT_EQ(outcome_of(report, ErrorClass::kFailedQc).wrongly_autoverified, 0);
  EXPECT_GT(outcome_of(report, ErrorClass::kFailedQc).affected_results, 0);
}

TEST(ValidateAutoverification, HoldsEveryResultOfAnIvFluidContaminatedSpecimen) {
  // The contamination checks fit the fluid to the changes of the whole panel: the small shifts
  // of a 10 % admixture, each within its own delta limit, do not slip through one by one.
  const ValidationReport report = validate(default_rules(), small_day());
  const ClassOutcome& fluid = outcome_of(report, ErrorClass::kIvFluidContamination);
  EXPECT_GT(fluid.affected_results, 0);
  EXPECT_EQ(fluid.wrongly_autoverified, 0);
  EXPECT_EQ(outcome_of(report, ErrorClass::kHemolysis).wrongly_autoverified, 0);
}

TEST(ValidateAutoverification, AutoverifiesNothingWhenEveryDisciplineIsOff) {
  const ValidationReport report = validate(disciplines_only(false), small_day());
  ASSERT_GT(report.results, 0);
  EXPECT_EQ(report.autoverified, 0);
  EXPECT_EQ(report.wrongly_autoverified(), 0);
  for (const SectionRate& section : report.sections) EXPECT_EQ(section.autoverified, 0);
  ASSERT_FALSE(report.holds.empty());
  EXPECT_EQ(report.holds.front().category, "discipline");
  EXPECT_FALSE(report.target_met());
}

TEST(ValidateAutoverification, ReportsAbsurdValuesThatRulesWithoutLimitsLetThrough) {
  const ValidationReport report = validate(disciplines_only(true), small_day());
  const ClassOutcome& absurd = outcome_of(report, ErrorClass::kAbsurdValue);
  EXPECT_GT(absurd.wrongly_autoverified, 0);
  EXPECT_FALSE(absurd.misses_by_test.empty());
  EXPECT_GT(report.wrongly_autoverified(), 0);
  EXPECT_FALSE(report.target_met());

  // The default rules' absurd limits and measuring ranges catch more of the same injections.
  const ValidationReport with_rules = validate(default_rules(), small_day());
  EXPECT_LT(outcome_of(with_rules, ErrorClass::kAbsurdValue).wrongly_autoverified,
            absurd.wrongly_autoverified);
}

TEST(ValidateAutoverification, RefusesOptionsOutOfRange) {
  ValidationOptions options = small_day();
  options.patients = 0;
  Result<ValidationReport> report =
      validate_autoverification(default_catalog(), default_rules(), options);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(report.error().message(), "validation needs at least 1 patient; got 0");

  options = small_day();
  options.injection_rate = 0;
  report = validate_autoverification(default_catalog(), default_rules(), options);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().message(), "injection rate must be above 0 and at most 1; got 0");
}

}  // namespace
}  // namespace aliquot::simulate
