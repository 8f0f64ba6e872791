#pragma once

// QC design by the sigma metric: how many SDs of the method's imprecision fit between its bias
// and the allowable total error, and the control rules and number of control measurements that
// quality calls for (Westgard Sigma Rules, two control levels). The rules are named in the
// notation the Westgard engine uses ("1-3s", "2-2s", "R-4s", "4-1s", "8-x"), so that a design can
// be handed to it as it is.
//
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::qc {

// The method's performance and the quality required, all in percent.
struct SigmaInput {
  double tea_percent = 0;   // allowable total error (qc/allowable_error.h)
  double bias_percent = 0;  // signed; its size is what counts
  double cv_percent = 0;    // imprecision
};

// Sigma = (TEa% - |bias%|) / CV%. Zero or negative when the bias uses up the whole TEa: the
// caller reports that, it is not an error. Fails with InvalidArgument when TEa or CV is not a
// finite number greater than 0, or the bias is not a finite number.
Result<double> sigma_metric(const SigmaInput& input);

// The bands of the Westgard Sigma Rules. A sigma exactly on a boundary belongs to the higher
// band. Below 4 the design is the same ("maximum QC"); below 3 the method is also not fit for
// purpose by QC alone.
enum class SigmaBand { kSixOrMore, kFiveToSix, kFourToFive, kThreeToFour, kBelowThree };

// The band of `sigma`; a value that is not a number falls in kBelowThree, the strictest.
SigmaBand sigma_band(double sigma);

// "≥ 6", "5 to < 6", "4 to < 5", "3 to < 4", "< 3".
std::string_view band_text(SigmaBand band);

// The QC a sigma calls for, for two control levels per run.
struct QcDesign {
  SigmaBand band = SigmaBand::kBelowThree;
  std::vector<std::string> rules;  // engine notation, in the order they are usually written
  // N: control measurements per run (both levels together), and R: over how many runs the rules
  // look at that N.
  int controls_per_run = 0;
  int runs = 0;
  // The same rules with fewer measurements per run, looking across more runs; 0 when there is
  // no such alternative.
  int alternative_controls_per_run = 0;
  int alternative_runs = 0;
  // What the lab must know besides the rules ("maximum QC", not fit for purpose); may be empty.
  std::string note;
};

// The Westgard Sigma Rules design for `sigma` (two control levels).
QcDesign recommend_qc(double sigma);

// "N = 4 per run (2 levels x 2), rules across 1 run; or N = 2 per run across 2 runs".
std::string describe_runs(const QcDesign& design);

}  // namespace aliquot::qc
