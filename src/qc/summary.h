#pragma once

// The statistics of one control level of one analyte and one control lot over a period, as a QC
// review reads them: how many values, their mean, SD and CV, the bias of the mean to the target
// mean, and how many values each control rule fired on. The caller chooses the values (analyte,
// level, lot, period) and passes the rules that fired on each by name, so that the summary does
// not depend on the engine's types.
//
// Pure functions; thread-safe.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace aliquot::qc {

// One control value and the names of the rules that fired on it ("1-2s", "2-2s"); empty when
// none did.
struct SummarizedValue {
  double value = 0;
  std::vector<std::string> rules;
};

struct QcSummary {
  std::size_t n = 0;
  std::optional<double> mean;          // absent when n is 0
  std::optional<double> sd;            // sample SD (n - 1); absent when n < 2
  std::optional<double> cv_percent;    // SD / |mean| x 100; absent without SD or when the mean is 0
  std::optional<double> bias;          // mean - target mean; absent without a mean or a target
  std::optional<double> bias_percent;  // bias / |target mean| x 100; absent when the target is 0
  // For each rule name, the number of values it fired on (a name listed twice for one value
  // counts once). Ordered by name.
  std::map<std::string, std::size_t> rule_counts;
};

// Summarises `values` against `target_mean` (the control lot's assigned or established mean; none
// when the lab has not set one). Fails with InvalidArgument, naming the value's position (1-based),
// when a value or the target is not a finite number. The mean and SD are computed in one pass
// with Welford's method, which stays exact to the last digits for values far from zero.
Result<QcSummary> summarize(const std::vector<SummarizedValue>& values,
                            std::optional<double> target_mean);

}  // namespace aliquot::qc
