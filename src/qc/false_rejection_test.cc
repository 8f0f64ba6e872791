// The engine reproduces the published in-control false-rejection rates: runs of two control
// levels drawn from the target's own Gaussian distribution (a method in control), judged run after
// run. The expected rates are computed exactly from the normal distribution:
//   a single rule with tail probability p per value, N values per run: 1 - (1 - p)^N
//   (1-2s, p = 0.0455: 0.0889 at N = 2; 1-3s, p = 0.0027: 0.0054 at N = 2; qc.md);
//   1-3s/2-2s/R-4s at N = 2, 2-2s also across consecutive runs of a level: 0.0091, which is
//   the "about 1 %" of Westgard, Barry, Hunt and Groth, Clin Chem 1981;27:493-501.
// Tolerance: 4.5 binomial standard errors of the simulated rate, so that a correct engine fails
// about once in 150,000 seeds, while a rule that fires on a wrong limit or a wrong scope (R-4s
// across runs adds 0.2 %, 2-2s across levels of different runs 0.1 %) moves the rate by several
// standard errors. The seed is fixed, so the test is repeatable.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "qc/westgard.h"

namespace aliquot::qc {
namespace {

constexpr int kRuns = 400000;
constexpr std::uint64_t kSeed = 20261122;

// The probability that a standard normal value lies beyond +limit.
double upper_tail(double limit) { return 0.5 * std::erfc(limit / std::sqrt(2.0)); }

struct Rate {
  double observed = 0;
  double standard_error = 0;
};

// The share of `kRuns` in-control runs with two levels that `rules` reject.
Rate rejection_rate(const char* rule_list, double expected) {
  const std::vector<ControlRule> rules = *parse_control_rules(rule_list);
  std::mt19937_64 random(kSeed);
  std::normal_distribution<double> in_control(0, 1);
  const std::size_t window = runs_needed(rules);
  std::vector<ControlRun> runs;
  int rejected = 0;
  for (int i = 0; i < kRuns; ++i) {
    ControlRun run{.id = std::to_string(i + 1), .values = {}};
    for (const char* level : {"1", "2"}) {
      run.values.push_back(
          ControlValue{.level = level, .value = in_control(random), .mean = 0, .sd = 1});
    }
    runs.push_back(std::move(run));
    if (runs.size() > window) runs.erase(runs.begin());
    if (evaluate_last_run(runs, rules).status == RunStatus::kReject) ++rejected;
  }
  return Rate{static_cast<double>(rejected) / kRuns, std::sqrt(expected * (1 - expected) / kRuns)};
}

constexpr double kTolerance = 4.5;  // standard errors

TEST(FalseRejection, OneThreeSAtTwoLevelsIsAboutHalfAPercent) {
  const double p = 2 * upper_tail(3);
  const double expected = 1 - std::pow(1 - p, 2);
  EXPECT_NEAR(expected, 0.0054, 0.0001);
  const Rate rate = rejection_rate("1-3s", expected);
  EXPECT_NEAR(rate.observed, expected, kTolerance * rate.standard_error);
}

TEST(FalseRejection, OneTwoSUsedAsARejectionRuleWouldRejectNinePercent) {
  // 1-2s only warns; counted here as the runs it flags.
  const double p = 2 * upper_tail(2);
  const double expected = 1 - std::pow(1 - p, 2);
  EXPECT_NEAR(expected, 0.089, 0.001);
  const std::vector<ControlRule> rules = *parse_control_rules("1-2s");
  std::mt19937_64 random(kSeed);
  std::normal_distribution<double> in_control(0, 1);
  int flagged = 0;
  for (int i = 0; i < kRuns; ++i) {
    const ControlRun run{
        .id = "1",
        .values = {ControlValue{.level = "1", .value = in_control(random), .mean = 0, .sd = 1},
                   ControlValue{.level = "2", .value = in_control(random), .mean = 0, .sd = 1}}};
    const RunEvaluation evaluation = evaluate_last_run(std::span(&run, 1), rules);
    EXPECT_NE(evaluation.status, RunStatus::kReject);
    if (evaluation.status == RunStatus::kWarning) ++flagged;
  }
  const double standard_error = std::sqrt(expected * (1 - expected) / kRuns);
  EXPECT_NEAR(static_cast<double>(flagged) / kRuns, expected, kTolerance * standard_error);
}

TEST(FalseRejection, TheClassicMultiruleRejectsAboutOnePercent) {
  // Per value: beyond 3 SD (r), between 2 and 3 SD on one side (q - r), within 2 SD (1 - 2q).
  // A run is accepted when both values are within 2 SD, or when exactly one lies between 2 and
  // 3 SD and the same level's value in the run before was not beyond the same 2 SD limit.
  const double q = upper_tail(2);
  const double r = upper_tail(3);
  const double within = 1 - 2 * q;
  const double accepted = within * within + 2 * (2 * (q - r)) * within * (1 - q);
  const double expected = 1 - accepted;
  EXPECT_NEAR(expected, 0.01, 0.001);  // Westgard 1981: about 1 % at N = 2
  const Rate rate = rejection_rate("1-3s,2-2s,R-4s", expected);
  EXPECT_NEAR(rate.observed, expected, kTolerance * rate.standard_error);
}

}  // namespace
}  // namespace aliquot::qc
