// QC period statistics (qc/summary.h).

#include "qc/summary.h"

#include <cmath>
#include <set>

#include "core/text.h"

namespace aliquot::qc {

Result<QcSummary> summarize(const std::vector<SummarizedValue>& values,
                            std::optional<double> target_mean) {
  if (target_mean && !std::isfinite(*target_mean)) {
    return invalid_argument("the target mean must be a finite number, not " +
                            core::number_text(*target_mean));
  }
  QcSummary summary;
  // Welford (1962): a running mean and sum of squared deviations from it, so that no large sums
  // of squares are subtracted from each other.
  double mean = 0;
  double squares = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const SummarizedValue& value = values[i];
    if (!std::isfinite(value.value)) {
      return invalid_argument("value " + std::to_string(i + 1) + " must be a finite number, not " +
                              core::number_text(value.value));
    }
    ++summary.n;
    const double delta = value.value - mean;
    mean += delta / static_cast<double>(summary.n);
    squares += delta * (value.value - mean);
    const std::set<std::string> fired(value.rules.begin(), value.rules.end());
    for (const std::string& rule : fired) ++summary.rule_counts[rule];
  }
  if (summary.n == 0) return summary;
  summary.mean = mean;
  if (summary.n >= 2) {
    summary.sd = std::sqrt(squares / static_cast<double>(summary.n - 1));
    if (mean != 0) summary.cv_percent = *summary.sd / std::abs(mean) * 100.0;
  }
  if (target_mean) {
    summary.bias = mean - *target_mean;
    if (*target_mean != 0) summary.bias_percent = *summary.bias / std::abs(*target_mean) * 100.0;
  }
  return summary;
}

}  // namespace aliquot::qc
