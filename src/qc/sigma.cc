// The sigma metric and the Westgard Sigma Rules (qc/sigma.h).
//
// Source of the design table: Westgard JO, Westgard SA, "Westgard Sigma Rules" (westgard.com,
// September 2014; introduced in their book Basic Quality Management Systems, 2014), the diagram
// for 2 levels of control materials, as the domain reference qc.md tabulates it:
//   sigma >= 6      1-3s                        N = 2, R = 1
//   5 to < 6        1-3s/2-2s/R-4s              N = 2, R = 1
//   4 to < 5        1-3s/2-2s/R-4s/4-1s         N = 4, R = 1 (or N = 2 across R = 2)
//   < 4             1-3s/2-2s/R-4s/4-1s/8-x     N = 4, R = 2 (or N = 2 across R = 4), "maximum QC"
// What the page confirms (read at westgard.com/westgard-sigma-rules.htm and at
// www.westgard.com/lessons/westgard-rules/westgard-rules/westgard-sigma-rules.html): the authors
// and date, that the tool was introduced in Basic Quality Management Systems, that its Figure 1 is
// for 2 levels of control materials, that the diagram has no 2 SD warning rule, and that a sigma
// scale at its foot, with dashed lines rising from it, shows which rules apply at which sigma. The
// copies read show neither the figure nor the text that gives the rules, N and R band by band, so
// the table above is not confirmed against the page; it follows qc.md, which asks for the N and R
// to be checked on westgard.com. R follows from the rules themselves: the rules of a band must see
// as many values as their longest rule counts (4-1s four values, 8-x eight), which N = 4 gives in
// one run for 4-1s and in two runs for 8-x (and N = 2 in twice as many runs).

#include "qc/sigma.h"

#include <cmath>

#include "core/text.h"

namespace aliquot::qc {
namespace {

using core::number_text;

Error not_positive(std::string_view what, double value) {
  return invalid_argument(std::string(what) + " must be a number greater than 0 (percent), not " +
                          number_text(value));
}

}  // namespace

Result<double> sigma_metric(const SigmaInput& input) {
  if (!(std::isfinite(input.tea_percent) && input.tea_percent > 0)) {
    return not_positive("the TEa", input.tea_percent);
  }
  if (!(std::isfinite(input.cv_percent) && input.cv_percent > 0)) {
    return not_positive("the CV", input.cv_percent);
  }
  if (!std::isfinite(input.bias_percent)) {
    return invalid_argument("the bias must be a finite number (percent), not " +
                            number_text(input.bias_percent));
  }
  return (input.tea_percent - std::abs(input.bias_percent)) / input.cv_percent;
}

SigmaBand sigma_band(double sigma) {
  // Boundaries belong to the higher band. The comparisons are on the unrounded value, so a
  // sigma shown as "6.00" but just under 6 gets the stricter design.
  if (sigma >= 6) return SigmaBand::kSixOrMore;
  if (sigma >= 5) return SigmaBand::kFiveToSix;
  if (sigma >= 4) return SigmaBand::kFourToFive;
  if (sigma >= 3) return SigmaBand::kThreeToFour;
  return SigmaBand::kBelowThree;  // also NaN: the strictest design
}

std::string_view band_text(SigmaBand band) {
  switch (band) {
    case SigmaBand::kSixOrMore: return ">= 6";
    case SigmaBand::kFiveToSix: return "5 to < 6";
    case SigmaBand::kFourToFive: return "4 to < 5";
    case SigmaBand::kThreeToFour: return "3 to < 4";
    case SigmaBand::kBelowThree: return "< 3";
  }
  return "< 3";
}

QcDesign recommend_qc(double sigma) {
  QcDesign design;
  design.band = sigma_band(sigma);
  switch (design.band) {
    case SigmaBand::kSixOrMore:
      design.rules = {"1-3s"};
      design.controls_per_run = 2;
      design.runs = 1;
      break;
    case SigmaBand::kFiveToSix:
      design.rules = {"1-3s", "2-2s", "R-4s"};
      design.controls_per_run = 2;
      design.runs = 1;
      break;
    case SigmaBand::kFourToFive:
      design.rules = {"1-3s", "2-2s", "R-4s", "4-1s"};
      design.controls_per_run = 4;
      design.runs = 1;
      design.alternative_controls_per_run = 2;
      design.alternative_runs = 2;
      break;
    case SigmaBand::kThreeToFour:
    case SigmaBand::kBelowThree:
      design.rules = {"1-3s", "2-2s", "R-4s", "4-1s", "8-x"};
      design.controls_per_run = 4;
      design.runs = 2;
      design.alternative_controls_per_run = 2;
      design.alternative_runs = 4;
      design.note = "maximum QC";
      break;
  }
  if (design.band == SigmaBand::kBelowThree) {
    // Below 3 sigma even maximum QC cannot detect the medically important errors in time: the
    // method itself must improve (3 sigma is the usual minimum for routine production in Six
    // Sigma quality management; the domain reference qc.md asks the design to say so).
    if (sigma <= 0) {
      design.note +=
          "; the bias uses up the whole allowable error (sigma 0 or less): the method is not fit "
          "for purpose and no QC can make it so";
    } else {
      design.note +=
          "; below 3 sigma the method is not fit for purpose by QC alone: reduce its imprecision "
          "or bias, or use another method";
    }
  }
  return design;
}

std::string describe_runs(const QcDesign& design) {
  std::string text = "N = " + std::to_string(design.controls_per_run) + " per run (2 levels";
  if (design.controls_per_run > 2) text += " x " + std::to_string(design.controls_per_run / 2);
  text += "), rules across " + std::to_string(design.runs) + (design.runs == 1 ? " run" : " runs");
  if (design.alternative_controls_per_run > 0) {
    text += "; or N = " + std::to_string(design.alternative_controls_per_run) +
            " per run, rules across " + std::to_string(design.alternative_runs) + " runs";
  }
  return text;
}

}  // namespace aliquot::qc
