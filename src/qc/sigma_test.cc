#include "qc/sigma.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace aliquot::qc {
namespace {

using Rules = std::vector<std::string>;

double sigma_of(double tea, double bias, double cv) {
  Result<double> sigma = sigma_metric({tea, bias, cv});
  EXPECT_TRUE(sigma.has_value()) << tea << " " << bias << " " << cv;
  return sigma.value_or(std::nan(""));
}

TEST(SigmaMetric, IsTheRoomLeftByTheBiasInUnitsOfCv) {
  // (10 - 2) / 2 = 4; the sign of the bias does not matter.
  EXPECT_DOUBLE_EQ(sigma_of(10, 2, 2), 4.0);
  EXPECT_DOUBLE_EQ(sigma_of(10, -2, 2), 4.0);
  // Glucose at 8% TEa with 1% bias and 1.25% CV: 7 / 1.25 = 5.6.
  EXPECT_DOUBLE_EQ(sigma_of(8, 1, 1.25), 5.6);
}

TEST(SigmaMetric, ReportsABiasAsLargeAsTheTeaAsZeroOrNegativeSigma) {
  EXPECT_DOUBLE_EQ(sigma_of(8, 8, 2), 0.0);
  EXPECT_DOUBLE_EQ(sigma_of(8, -10, 2), -1.0);
  const QcDesign design = recommend_qc(-1.0);
  EXPECT_EQ(design.band, SigmaBand::kBelowThree);
  EXPECT_EQ(design.note,
            "maximum QC; the bias uses up the whole allowable error (sigma 0 or less): the method "
            "is not fit for purpose and no QC can make it so");
}

TEST(SigmaMetric, RefusesACvOrTeaThatIsNotGreaterThanZero) {
  const auto message = [](SigmaInput input) {
    Result<double> sigma = sigma_metric(input);
    EXPECT_FALSE(sigma.has_value());
    return sigma.has_value() ? std::string() : sigma.error().message();
  };
  EXPECT_EQ(message({10, 1, 0}), "the CV must be a number greater than 0 (percent), not 0");
  EXPECT_EQ(message({10, 1, -2}), "the CV must be a number greater than 0 (percent), not -2");
  EXPECT_EQ(message({0, 1, 2}), "the TEa must be a number greater than 0 (percent), not 0");
  EXPECT_EQ(message({std::numeric_limits<double>::infinity(), 1, 2}),
            "the TEa must be a number greater than 0 (percent), not inf");
  EXPECT_EQ(message({10, std::nan(""), 2}), "the bias must be a finite number (percent), not NaN");
}

TEST(RecommendQc, ExactlySixSigmaNeedsOnlyOneThreeSWithTwoControls) {
  const QcDesign design = recommend_qc(sigma_of(8, 2, 1));  // (8 - 2) / 1 = 6 exactly
  EXPECT_EQ(design.band, SigmaBand::kSixOrMore);
  EXPECT_EQ(design.rules, Rules({"1-3s"}));
  EXPECT_EQ(design.controls_per_run, 2);
  EXPECT_EQ(design.runs, 1);
  EXPECT_EQ(design.alternative_controls_per_run, 0);
  EXPECT_EQ(design.note, "");
}

TEST(RecommendQc, JustUnderSixSigmaAddsTheTwoTwoSAndRangeRules) {
  const QcDesign design = recommend_qc(std::nextafter(6.0, 0.0));
  EXPECT_EQ(design.band, SigmaBand::kFiveToSix);
  EXPECT_EQ(design.rules, Rules({"1-3s", "2-2s", "R-4s"}));
  EXPECT_EQ(design.controls_per_run, 2);
  EXPECT_EQ(design.runs, 1);
}

TEST(RecommendQc, ExactlyFiveSigmaBelongsToTheFiveToSixBand) {
  const QcDesign five = recommend_qc(5.0);
  EXPECT_EQ(five.band, SigmaBand::kFiveToSix);
  EXPECT_EQ(five.rules, Rules({"1-3s", "2-2s", "R-4s"}));
  EXPECT_EQ(recommend_qc(std::nextafter(5.0, 0.0)).band, SigmaBand::kFourToFive);
}

TEST(RecommendQc, ExactlyFourSigmaAddsFourOneSWithFourControlsOrTwoRuns) {
  const QcDesign design = recommend_qc(4.0);
  EXPECT_EQ(design.band, SigmaBand::kFourToFive);
  EXPECT_EQ(design.rules, Rules({"1-3s", "2-2s", "R-4s", "4-1s"}));
  EXPECT_EQ(design.controls_per_run, 4);
  EXPECT_EQ(design.runs, 1);
  EXPECT_EQ(design.alternative_controls_per_run, 2);
  EXPECT_EQ(design.alternative_runs, 2);
  EXPECT_EQ(design.note, "");
  EXPECT_EQ(describe_runs(design),
            "N = 4 per run (2 levels x 2), rules across 1 run; or N = 2 per run, rules across 2 "
            "runs");
}

TEST(RecommendQc, ExactlyThreeSigmaIsMaximumQcButStillFitForPurpose) {
  const QcDesign design = recommend_qc(3.0);
  EXPECT_EQ(design.band, SigmaBand::kThreeToFour);
  EXPECT_EQ(design.rules, Rules({"1-3s", "2-2s", "R-4s", "4-1s", "8-x"}));
  EXPECT_EQ(design.controls_per_run, 4);
  EXPECT_EQ(design.runs, 2);
  EXPECT_EQ(design.alternative_controls_per_run, 2);
  EXPECT_EQ(design.alternative_runs, 4);
  EXPECT_EQ(design.note, "maximum QC");
  EXPECT_EQ(recommend_qc(std::nextafter(4.0, 0.0)).band, SigmaBand::kThreeToFour);
}

TEST(RecommendQc, BelowThreeSigmaSaysQcAloneCannotMakeTheMethodFit) {
  const QcDesign design = recommend_qc(std::nextafter(3.0, 0.0));
  EXPECT_EQ(design.band, SigmaBand::kBelowThree);
  EXPECT_EQ(design.rules, Rules({"1-3s", "2-2s", "R-4s", "4-1s", "8-x"}));
  EXPECT_EQ(design.note,
            "maximum QC; below 3 sigma the method is not fit for purpose by QC alone: reduce its "
            "imprecision or bias, or use another method");
}

TEST(RecommendQc, GivesTheStrictestDesignForAValueThatIsNotANumber) {
  EXPECT_EQ(recommend_qc(std::nan("")).band, SigmaBand::kBelowThree);
}

TEST(RecommendQc, DescribesTwoControlsInOneRun) {
  EXPECT_EQ(describe_runs(recommend_qc(7)), "N = 2 per run (2 levels), rules across 1 run");
  EXPECT_EQ(band_text(SigmaBand::kFourToFive), "4 to < 5");
}

}  // namespace
}  // namespace aliquot::qc
