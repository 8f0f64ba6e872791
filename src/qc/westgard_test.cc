#include "qc/westgard.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

namespace aliquot::qc {
namespace {

constexpr double kMean = 100;
constexpr double kSd = 10;

// Runs numbered from 1, each with one value per level ("1", "2", ...) at the given z.
std::vector<ControlRun> runs_at(std::initializer_list<std::vector<double>> z_by_run) {
  std::vector<ControlRun> runs;
  for (const std::vector<double>& z_of_levels : z_by_run) {
    ControlRun run{.id = std::to_string(runs.size() + 1), .values = {}};
    for (std::size_t level = 0; level < z_of_levels.size(); ++level) {
      run.values.push_back(ControlValue{.level = std::to_string(level + 1),
                                        .value = kMean + kSd * z_of_levels[level],
                                        .mean = kMean,
                                        .sd = kSd});
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

std::vector<ControlRule> rules(const char* text) { return *parse_control_rules(text); }

std::vector<RunEvaluation> evaluate(const std::vector<ControlRun>& runs, const char* rule_list) {
  const std::vector<ControlRule> configured = rules(rule_list);
  Result<std::vector<RunEvaluation>> evaluations = evaluate_runs(runs, configured);
  EXPECT_TRUE(evaluations.has_value()) << evaluations.error().message();
  return evaluations.has_value() ? *evaluations : std::vector<RunEvaluation>{};
}

// The rules that fired on a run, each once, in the order configured.
std::vector<std::string> fired(const RunEvaluation& evaluation) {
  std::vector<std::string> names;
  for (const Violation& violation : evaluation.violations) {
    const std::string name(rule_name(violation.rule));
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

using Names = std::vector<std::string>;

constexpr const char* kTwoLevelMultirule = "1-2s,1-3s,2-2s,R-4s,4-1s,10-x";
constexpr const char* kThreeLevelMultirule = "1-2s,1-3s,2of3-2s,R-4s,3-1s,6-x";

TEST(Westgard, AcceptsARunWithinTwoSd) {
  const std::vector<RunEvaluation> evaluations =
      evaluate(runs_at({{1.9, -1.9}}), kTwoLevelMultirule);
  EXPECT_EQ(evaluations[0].status, RunStatus::kAccept);
  EXPECT_TRUE(evaluations[0].violations.empty());
}

TEST(Westgard, OneTwoSOnlyWarns) {
  const RunEvaluation run = evaluate(runs_at({{2.01, 0}}), kTwoLevelMultirule)[0];
  EXPECT_EQ(run.status, RunStatus::kWarning);
  EXPECT_EQ(fired(run), Names{"1-2s"});
  ASSERT_EQ(run.violations[0].values.size(), 1u);
  EXPECT_EQ(run.violations[0].values[0].level, "1");
  EXPECT_NEAR(run.violations[0].values[0].z, 2.01, 1e-9);
}

TEST(Westgard, AValueOnALimitIsWithinIt) {
  EXPECT_EQ(evaluate(runs_at({{2.0, -2.0}}), kTwoLevelMultirule)[0].status, RunStatus::kAccept);
  EXPECT_EQ(fired(evaluate(runs_at({{3.0, 0}}), "1-3s")[0]), Names{});
}

TEST(Westgard, OneThreeSRejectsOnEitherSide) {
  for (const double z : {3.01, -3.01}) {
    const RunEvaluation run = evaluate(runs_at({{0, z}}), "1-3s")[0];
    EXPECT_EQ(run.status, RunStatus::kReject) << z;
    EXPECT_EQ(fired(run), Names{"1-3s"});
    EXPECT_EQ(run.violations[0].levels, Names{"2"});
  }
  EXPECT_EQ(evaluate(runs_at({{0, 2.99}}), "1-3s")[0].status, RunStatus::kAccept);
}

TEST(Westgard, TwoTwoSWithinARunAcrossLevels) {
  const RunEvaluation run = evaluate(runs_at({{2.1, 2.2}}), kTwoLevelMultirule)[0];
  EXPECT_EQ(run.status, RunStatus::kReject);
  EXPECT_EQ(fired(run), (Names{"1-2s", "2-2s"}));
  const Violation& violation = run.violations.back();
  EXPECT_EQ(violation.scope, RuleScope::kWithinRun);
  EXPECT_EQ(violation.levels, (Names{"1", "2"}));
  EXPECT_EQ(violation.runs, Names{"1"});
}

TEST(Westgard, TwoTwoSNeedsBothBeyondTheSameLimit) {
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, 1.9}}), kTwoLevelMultirule)[0]), Names{"1-2s"});
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, -2.1}}), "2-2s")[0]), Names{});
}

TEST(Westgard, TwoTwoSAcrossRunsWithinALevel) {
  const std::vector<RunEvaluation> runs = evaluate(runs_at({{2.1, 0}, {2.2, 0.5}}), "2-2s");
  EXPECT_EQ(runs[0].status, RunStatus::kAccept);
  ASSERT_EQ(fired(runs[1]), Names{"2-2s"});
  EXPECT_EQ(runs[1].violations[0].scope, RuleScope::kAcrossRuns);
  EXPECT_EQ(runs[1].violations[0].levels, Names{"1"});
  EXPECT_EQ(runs[1].violations[0].runs, (Names{"1", "2"}));
}

TEST(Westgard, TwoTwoSAcrossRunsNeedsTheSameLevelInConsecutiveRuns) {
  // The same level two runs apart, and different levels in consecutive runs.
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, 0}, {0, 0}, {2.2, 0}}), "2-2s")[2]), Names{});
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, 0}, {0, 2.2}}), "2-2s")[1]), Names{});
}

TEST(Westgard, RangeFourSWithinARun) {
  const RunEvaluation run = evaluate(runs_at({{2.1, -2.1}}), kTwoLevelMultirule)[0];
  EXPECT_EQ(run.status, RunStatus::kReject);
  EXPECT_EQ(fired(run), (Names{"1-2s", "R-4s"}));
  EXPECT_EQ(run.violations.back().levels, (Names{"1", "2"}));
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, -1.9}}), "R-4s")[0]), Names{});
}

TEST(Westgard, RangeFourSNeverFiresAcrossRuns) {
  for (const RunEvaluation& run :
       evaluate(runs_at({{2.5, 0}, {-2.5, 0}, {0, 2.5}, {0, -2.5}}), "R-4s")) {
    EXPECT_EQ(run.status, RunStatus::kAccept) << "run " << run.run;
  }
}

TEST(Westgard, FourOneSWithinOneLevelAcrossFourRuns) {
  const std::vector<RunEvaluation> runs =
      evaluate(runs_at({{1.1, 0}, {1.2, 0}, {1.3, 0}, {1.4, 0}}), kTwoLevelMultirule);
  EXPECT_EQ(runs[2].status, RunStatus::kAccept);
  ASSERT_EQ(fired(runs[3]), Names{"4-1s"});
  EXPECT_EQ(runs[3].violations[0].scope, RuleScope::kAcrossRuns);
  EXPECT_EQ(runs[3].violations[0].runs, (Names{"1", "2", "3", "4"}));
  EXPECT_EQ(
      fired(evaluate(runs_at({{1.1, 0}, {1.2, 0}, {0.9, 0}, {1.4, 0}}), kTwoLevelMultirule)[3]),
      Names{});
  EXPECT_EQ(fired(evaluate(runs_at({{1.1, 0}, {1.2, 0}, {-1.3, 0}, {1.4, 0}}), "4-1s")[3]),
            Names{});
}

TEST(Westgard, FourOneSAcrossTwoLevelsAndTwoRuns) {
  const std::vector<RunEvaluation> runs =
      evaluate(runs_at({{-1.1, -1.2}, {-1.3, -1.4}}), kTwoLevelMultirule);
  ASSERT_EQ(fired(runs[1]), Names{"4-1s"});
  EXPECT_EQ(runs[1].violations[0].scope, RuleScope::kAcrossRunsAndLevels);
  EXPECT_EQ(runs[1].violations[0].levels, (Names{"1", "2"}));
  EXPECT_EQ(runs[1].violations[0].values.size(), 4u);
  EXPECT_EQ(fired(evaluate(runs_at({{-1.1, -0.9}, {-1.3, -1.4}}), "4-1s")[1]), Names{});
}

TEST(Westgard, TenXWithinOneLevel) {
  std::vector<ControlRun> runs;
  for (int i = 0; i < 10; ++i) {
    // Level 2 alternates sides, so only level 1 can make the pattern.
    runs.push_back(runs_at({{0.5, i % 2 == 0 ? 0.5 : -0.5}})[0]);
    runs.back().id = std::to_string(i + 1);
  }
  const std::vector<RunEvaluation> evaluations = evaluate(runs, kTwoLevelMultirule);
  EXPECT_EQ(evaluations[8].status, RunStatus::kAccept);
  ASSERT_EQ(fired(evaluations[9]), Names{"10-x"});
  EXPECT_EQ(evaluations[9].violations[0].levels, Names{"1"});
  EXPECT_EQ(evaluations[9].violations[0].values.size(), 10u);
}

TEST(Westgard, TenXAcrossTwoLevelsAndFiveRuns) {
  const std::vector<RunEvaluation> runs =
      evaluate(runs_at({{-0.5, -0.1}, {-0.2, -0.3}, {-0.4, -0.6}, {-0.7, -0.8}, {-0.9, -0.2}}),
               kTwoLevelMultirule);
  EXPECT_EQ(runs[3].status, RunStatus::kAccept);
  ASSERT_EQ(fired(runs[4]), Names{"10-x"});
  EXPECT_EQ(runs[4].violations[0].scope, RuleScope::kAcrossRunsAndLevels);
  // A value on the mean breaks the run of values on one side.
  EXPECT_EQ(
      fired(evaluate(runs_at({{-0.5, -0.1}, {-0.2, 0}, {-0.4, -0.6}, {-0.7, -0.8}, {-0.9, -0.2}}),
                     "10-x")[4]),
      Names{});
}

// `count` runs of one level on one side of the mean: the rule needing `count` fires on the last
// and not before.
void expect_fires_on_run(const char* rule, int count) {
  std::vector<ControlRun> runs;
  for (int i = 0; i < count; ++i) {
    runs.push_back(
        ControlRun{.id = std::to_string(i + 1),
                   .values = {ControlValue{.level = "1", .value = 103, .mean = kMean, .sd = kSd}}});
  }
  const std::vector<RunEvaluation> evaluations = evaluate(runs, rule);
  EXPECT_EQ(evaluations[static_cast<std::size_t>(count) - 2].status, RunStatus::kAccept) << rule;
  EXPECT_EQ(fired(evaluations.back()), Names{rule});
}

TEST(Westgard, EachRunOfValuesOnOneSideFiresAtItsOwnLength) {
  expect_fires_on_run("6-x", 6);
  expect_fires_on_run("8-x", 8);
  expect_fires_on_run("9-x", 9);
  expect_fires_on_run("10-x", 10);
  expect_fires_on_run("12-x", 12);
}

TEST(Westgard, LongerRunsOfValuesFireOnlyTheRulesTheyReach) {
  std::vector<ControlRun> runs;
  for (int i = 0; i < 9; ++i) {
    runs.push_back(
        ControlRun{.id = std::to_string(i + 1),
                   .values = {ControlValue{.level = "1", .value = 97, .mean = kMean, .sd = kSd}}});
  }
  EXPECT_EQ(fired(evaluate(runs, "6-x,8-x,9-x,10-x,12-x").back()), (Names{"6-x", "8-x", "9-x"}));
}

TEST(Westgard, TwoOfThreeTwoSWithinARunOfThreeLevels) {
  const RunEvaluation run = evaluate(runs_at({{2.1, 0, 2.2}}), kThreeLevelMultirule)[0];
  EXPECT_EQ(fired(run), (Names{"1-2s", "2of3-2s"}));
  EXPECT_EQ(run.violations.back().scope, RuleScope::kWithinRun);
  EXPECT_EQ(run.violations.back().levels, (Names{"1", "3"}));
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, 0, 1.9}}), "2of3-2s")[0]), Names{});
  EXPECT_EQ(fired(evaluate(runs_at({{2.1, 0, -2.2}}), "2of3-2s")[0]), Names{});
}

TEST(Westgard, TwoOfThreeTwoSAcrossRunsOfOneLevel) {
  const std::vector<RunEvaluation> runs =
      evaluate(runs_at({{2.1, 0, 0}, {0, 0, 0}, {2.2, 0, 0}}), "2of3-2s");
  ASSERT_EQ(fired(runs[2]), Names{"2of3-2s"});
  EXPECT_EQ(runs[2].violations[0].scope, RuleScope::kAcrossRuns);
  EXPECT_EQ(runs[2].violations[0].runs, (Names{"1", "3"}));
  // Three runs apart is no longer two of the last three.
  EXPECT_EQ(
      fired(evaluate(runs_at({{2.1, 0, 0}, {0, 0, 0}, {0, 0, 0}, {2.2, 0, 0}}), "2of3-2s")[3]),
      Names{});
}

TEST(Westgard, ThreeOneSWithinARunOfThreeLevels) {
  const RunEvaluation run = evaluate(runs_at({{1.1, 1.2, 1.3}}), kThreeLevelMultirule)[0];
  EXPECT_EQ(fired(run), Names{"3-1s"});
  EXPECT_EQ(run.violations[0].scope, RuleScope::kWithinRun);
  EXPECT_EQ(fired(evaluate(runs_at({{1.1, 1.2, 0.9}}), kThreeLevelMultirule)[0]), Names{});
}

TEST(Westgard, ThreeOneSAcrossRunsOfOneLevel) {
  const std::vector<RunEvaluation> runs =
      evaluate(runs_at({{-1.1, 0, 0}, {-1.2, 0, 0}, {-1.3, 0, 0}}), kThreeLevelMultirule);
  EXPECT_EQ(runs[1].status, RunStatus::kAccept);
  EXPECT_EQ(fired(runs[2]), Names{"3-1s"});
}

TEST(Westgard, APatternOfEarlierRunsIsNotJudgedAgain) {
  const std::vector<RunEvaluation> runs = evaluate(runs_at({{2.1, 0}, {2.2, 0}, {0, 0}}), "2-2s");
  EXPECT_EQ(runs[1].status, RunStatus::kReject);
  EXPECT_EQ(runs[2].status, RunStatus::kAccept);
}

TEST(Westgard, AShiftThatPersistsKeepsRejecting) {
  std::vector<ControlRun> runs;
  for (int i = 0; i < 12; ++i) runs.push_back(runs_at({{1.5, 1.5}})[0]);
  const std::vector<RunEvaluation> evaluations = evaluate(runs, "4-1s");
  EXPECT_EQ(evaluations[0].status, RunStatus::kAccept);
  for (std::size_t i = 1; i < evaluations.size(); ++i) {
    EXPECT_EQ(evaluations[i].status, RunStatus::kReject) << "run " << i + 1;
  }
}

TEST(Westgard, AnotherLotOfTheSameLevelIsJudgedOnItsOwnTarget) {
  std::vector<ControlRun> runs = runs_at({{2.1, 0}, {0, 0}});
  // The second run's level 1 is 2.2 SD above its own (new) target, 10 SD above the old one.
  runs[1].values[0] = ControlValue{.level = "1", .value = 222, .mean = 200, .sd = kSd};
  const std::vector<RunEvaluation> evaluations = evaluate(runs, "1-3s,2-2s");
  ASSERT_EQ(fired(evaluations[1]), Names{"2-2s"});
  EXPECT_NEAR(evaluations[1].violations[0].values[1].z, 2.2, 1e-9);
}

TEST(Westgard, AViolationSeenFromTwoViewsIsReportedOnce) {
  // With a single level, its values in the order measured are the level's values.
  std::vector<ControlRun> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(
        ControlRun{.id = std::to_string(i + 1),
                   .values = {ControlValue{.level = "1", .value = 115, .mean = kMean, .sd = kSd}}});
  }
  EXPECT_EQ(evaluate(runs, "4-1s")[3].violations.size(), 1u);
}

TEST(Westgard, LooksBackOnlyAsFarAsItsRulesNeed) {
  EXPECT_EQ(runs_needed(rules("1-3s,R-4s")), 1u);
  EXPECT_EQ(runs_needed(rules("1-3s,2-2s,R-4s,4-1s,10-x")), 10u);
  EXPECT_EQ(runs_needed(rules("1-3s,12-x")), 12u);
  // The run judged alone gives the same verdict as with its whole history.
  std::vector<ControlRun> runs;
  for (int i = 0; i < 30; ++i) runs.push_back(runs_at({{i < 20 ? -0.5 : 0.5, 0.2}})[0]);
  const std::vector<ControlRule> configured = rules("4-1s,10-x");
  const RunEvaluation judged = evaluate_last_run(runs, configured);
  EXPECT_EQ(judged.status, RunStatus::kReject);
  EXPECT_EQ(judged.violations[0].values.front().run, 20u);  // index among all 30
}

TEST(CheckRun, NamesTheRunAndLevelOfABadSd) {
  ControlRun run{.id = "7", .values = {ControlValue{.level = "2", .value = 5, .mean = 5, .sd = 0}}};
  const Result<void> checked = check_run(run);
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().message(),
            "run 7 level 2: the SD must be a number greater than 0, not 0");
}

TEST(CheckRun, RefusesALevelTwiceAndARunWithoutValues) {
  ControlRun twice{.id = "3",
                   .values = {ControlValue{.level = "1", .value = 5, .mean = 5, .sd = 1},
                              ControlValue{.level = "1", .value = 6, .mean = 5, .sd = 1}}};
  EXPECT_EQ(check_run(twice).error().message(), "run 3 has level 1 twice");
  EXPECT_EQ(check_run(ControlRun{.id = "4", .values = {}}).error().message(),
            "run 4 has no control values");
}

TEST(CheckRun, EvaluateRunsStopsAtTheFirstBadRun) {
  std::vector<ControlRun> runs = runs_at({{0, 0}, {0, 0}});
  runs[1].values[1].value = std::nan("");
  const Result<std::vector<RunEvaluation>> evaluations = evaluate_runs(runs, rules("1-3s"));
  ASSERT_FALSE(evaluations.has_value());
  EXPECT_EQ(evaluations.error().message(), "run 2 level 2: the value is not a number");
}

}  // namespace
}  // namespace aliquot::qc
