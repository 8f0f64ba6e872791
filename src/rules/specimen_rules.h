#pragma once

// The rules that judge the results of one specimen together rather than each result alone
// (rules/specimen_checks.h evaluates them):
//
//   [delta_statistics]  changes against the patient's previous results measured in units of the
//                       analyte's own variation: each result against its reference change value
//                       (RCV), and every analyte of the specimen at once (a multi-analyte delta
//                       check: another patient's specimen differs in many analytes together).
//                       Each analyte that takes part gives its variation in its [[analyte]]
//                       table (AnalyteRules::variation).
//   [[contamination]]   the changes fit a fluid mixed into the specimen (blood drawn above an IV
//                       line): the fluid's composition and the analytes it dilutes.
//   [[consistency]]     results that must agree with each other, as expressions over the
//                       specimen's results (an absolute differential count equals WBC × its
//                       percentage / 100).

#include <cstdint>
#include <string>
#include <vector>

#include "calc/program.h"

namespace aliquot::rules {

// An analyte's variation from one specimen of a stable patient to the next, as coefficients of
// variation in percent: the within-person biological variation (CVI) and the imprecision of the
// lab's method (CVA, from its own QC). The reference change value follows from both (Fraser,
// Ann Clin Biochem 2011;48:98; log-normal form: Fokkema et al., Clin Chem 2006;52:327).
struct Variation {
  double within_person = 0;  // CVI, %
  double analytical = 0;     // CVA, %
};

// How changes against the previous results are judged statistically. `false_alarm` is the share
// of a stable patient's results that the RCV holds by chance; `specimen_false_alarm` the share of
// a stable patient's specimens that the multi-analyte and contamination checks hold. The limits
// are worked out once, when the rules are loaded.
struct DeltaStatistics {
  std::int64_t window_seconds = 0;  // previous result collected at most this long before
  double false_alarm = 0.001;
  double specimen_false_alarm = 0.001;
  // The multi-analyte check needs at least this many analytes with a previous result.
  int minimum_analytes = 3;
  // |standardized change| beyond this fires a result's RCV (two-sided normal quantile).
  double change_limit = 0;
  // One-sided normal quantile: the contamination checks' limit.
  double one_sided_limit = 0;
  // joint_limits[k]: the chi-square quantile with k degrees of freedom (k >= 1; [0] unused), up
  // to kMaxJointAnalytes; more analytes use the last.
  std::vector<double> joint_limits;
  int source_line = 0;
};
inline constexpr int kMaxJointAnalytes = 64;

// One component of an IV fluid, in the unit of its test in the catalog.
struct FluidComponent {
  std::string test_code;
  double concentration = 0;
};

// A fluid that can be drawn into a specimen with the blood (0.9 % sodium chloride, 5 %
// dextrose). Analytes the fluid contains move towards its concentration; those it dilutes fall
// in proportion.
struct ContaminationRule {
  std::string fluid;
  std::vector<FluidComponent> contains;
  std::vector<std::string> dilutes;  // catalog test codes
  int source_line = 0;
};

// Two expressions over results of the same specimen that must agree within `tolerance` plus what
// the rounding of the reported values allows (the engine works that out from each test's
// decimals). Test codes are the names, '-' written '_' (BASO-ABS is BASO_ABS).
struct ConsistencyRule {
  std::string name;
  calc::Program value;
  calc::Program expected;
  // The tests the expressions read, in slot order: slot i holds the value of tests[i].
  std::vector<std::string> tests;
  double tolerance = 0;
  std::string reason;  // for the technologist: what disagreement usually means
  int source_line = 0;
};
// The most tests one consistency rule may read.
inline constexpr std::size_t kMaxConsistencyTests = 16;

}  // namespace aliquot::rules
