// The specimen-wide checks (rules/specimen_checks.h). Like the per-result checks, they decide
// with plain arithmetic on the stack; text is built only when a check fires.

#include "rules/specimen_checks.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/text.h"
#include "rules/duration.h"

namespace aliquot::rules {
namespace {

using core::format_decimal;
using core::number_text;

// The most results of one specimen the statistical checks look at; a larger specimen is judged
// on its first ones (no specimen of a real menu comes near).
constexpr std::size_t kMaxChanges = 64;

// One analyte's change against the patient's previous result.
struct Change {
  std::size_t index = 0;  // into the candidates
  double current = 0;
  double previous = 0;
  double sigma = 0;  // of ln(current / previous) for a stable patient
  double z = 0;
  std::int64_t apart_seconds = 0;
};

// The smallest step a test reports: 10^-decimals.
double step_of(const core::TestDefinition& test) {
  static constexpr std::array<double, 7> kSteps = {1, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6};
  const int decimals = std::max(0, test.decimals);
  return decimals < static_cast<int>(kSteps.size()) ? kSteps[static_cast<std::size_t>(decimals)]
                                                    : std::pow(10.0, -decimals);
}

// A computed number to four significant digits: "0.0216", "100.2".
std::string computed_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

// "1 in 1000".
std::string rate_text(double false_alarm) {
  return "1 in " + number_text(std::round(1 / false_alarm));
}

// "+12.5 %".
std::string percent_change_text(double ratio) {
  const std::string text = format_decimal((ratio - 1) * 100, 1);
  return (text.front() == '-' ? text : "+" + text) + " %";
}

std::string value_with_unit(const core::TestDefinition& test, const std::string& number) {
  if (test.unit.empty() || test.unit == "1") return number;
  return number + " " + test.unit;
}

std::string reported(const core::TestDefinition& test, double number) {
  return format_decimal(number, test.decimals);
}

void hold(Decision& decision, Reason reason) {
  decision.autoverify = false;
  decision.reasons.push_back(std::move(reason));
}

// The changes of the candidates that take part in the statistical checks, in candidate order.
std::size_t collect_changes(const RuleSet& rules, const DeltaStatistics& statistics,
                            const SpecimenFacts& specimen, std::span<const Candidate> candidates,
                            std::array<Change, kMaxChanges>& changes) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < candidates.size() && count < kMaxChanges; ++i) {
    const Candidate& candidate = candidates[i];
    const core::ResultValue& value = *candidate.value;
    if (!candidate.previous || value.kind != core::ResultKind::kNumeric ||
        !value.comparator.empty() || value.number < 0 || candidate.previous->value < 0) {
      continue;
    }
    const AnalyteRules* analyte = rules.find_analyte(candidate.test->code);
    if (analyte == nullptr || !analyte->variation) continue;
    const std::int64_t apart = std::chrono::duration_cast<std::chrono::seconds>(
                                   specimen.collected_at - candidate.previous->collected_at)
                                   .count();
    if (apart < 0 || apart > statistics.window_seconds) continue;

    const double step = step_of(*candidate.test);
    const double current = std::max(value.number, step / 2);
    const double previous = std::max(candidate.previous->value, step / 2);
    const double within = analyte->variation->within_person / 100;
    const double analytical = analyte->variation->analytical / 100;
    const double variance =
        2 * (std::log1p(within * within) + std::log1p(analytical * analytical)) +
        step * step / 12 * (1 / (current * current) + 1 / (previous * previous));
    Change& change = changes[count++];
    change.index = i;
    change.current = current;
    change.previous = previous;
    change.sigma = std::sqrt(variance);
    change.z = std::log(current / previous) / change.sigma;
    change.apart_seconds = apart;
  }
  return count;
}

void check_reference_change(const DeltaStatistics& statistics,
                            std::span<const Candidate> candidates, std::span<const Change> changes,
                            std::span<Decision> decisions) {
  for (const Change& change : changes) {
    if (std::fabs(change.z) <= statistics.change_limit) continue;
    const Candidate& candidate = candidates[change.index];
    const core::TestDefinition& test = *candidate.test;
    const double low = std::exp(-statistics.change_limit * change.sigma);
    const double high = std::exp(statistics.change_limit * change.sigma);
    const std::string window = duration_text(statistics.window_seconds);
    const std::string apart = duration_text(change.apart_seconds);
    const std::string measured = percent_change_text(change.current / change.previous);
    const std::string threshold = "change within " + percent_change_text(low) + " to " +
                                  percent_change_text(high) + " (reference change value, " +
                                  rate_text(statistics.false_alarm) + ")";
    hold(decisions[change.index],
         Reason{Category::kDeltaCheck, Action::kReview,
                test.code + " reference change value within " + window,
                value_with_unit(test, core::format_reported(*candidate.value)) + ", previous " +
                    value_with_unit(test, reported(test, candidate.previous->value)) + " " + apart +
                    " earlier: " + measured,
                threshold,
                test.code + " changed by " + measured + " since the result of " + apart +
                    " earlier, more than a stable patient varies (" + threshold +
                    "): review before release"});
  }
}

// "CA -12.0 %, CL +5.1 %, K -9.8 %": the largest changes first, at most `most`.
std::string largest_changes(std::span<const Candidate> candidates, std::span<const Change> changes,
                            std::size_t most) {
  std::vector<const Change*> sorted;
  for (const Change& change : changes) sorted.push_back(&change);
  std::sort(sorted.begin(), sorted.end(),
            [](const Change* a, const Change* b) { return std::fabs(a->z) > std::fabs(b->z); });
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < most; ++i) {
    if (!text.empty()) text += ", ";
    text += candidates[sorted[i]->index].test->code + " " +
            percent_change_text(sorted[i]->current / sorted[i]->previous);
  }
  return text;
}

void check_multi_analyte(const DeltaStatistics& statistics, std::span<const Candidate> candidates,
                         std::span<const Change> changes, std::span<Decision> decisions) {
  const std::size_t k = changes.size();
  if (k < static_cast<std::size_t>(std::max(2, statistics.minimum_analytes))) return;
  double total = 0;
  double largest = 0;
  for (const Change& change : changes) {
    total += change.z * change.z;
    largest = std::max(largest, change.z * change.z);
  }
  const auto limit = [&](std::size_t n) {
    return statistics.joint_limits[std::min<std::size_t>(n, kMaxJointAnalytes)];
  };
  if (total <= limit(k) || total - largest <= limit(k - 1)) return;

  const std::string window = duration_text(statistics.window_seconds);
  const std::string observed =
      std::to_string(k) + " analytes: sum of squared changes " + format_decimal(total, 1) + ", " +
      format_decimal(total - largest, 1) + " without the largest; largest changes " +
      largest_changes(candidates, changes, 4);
  const std::string threshold =
      "at most " + format_decimal(limit(k), 1) + " (" + format_decimal(limit(k - 1), 1) +
      " without the largest; chi-square, " + rate_text(statistics.specimen_false_alarm) + ")";
  const std::string message =
      "the results of this specimen differ from the patient's previous results together (" +
      std::to_string(k) +
      " analytes) more than one patient varies: possibly another patient's specimen (wrong "
      "blood in tube); confirm the identity before release";
  for (Decision& decision : decisions) {
    hold(decision, Reason{Category::kMultiAnalyteDelta, Action::kInvestigateMixUp,
                          "multi-analyte delta within " + window, observed, threshold, message});
  }
}

struct FluidFit {
  double share = 0;
  double z = 0;
};

// The weighted least-squares share of the fluid, over the terms except `skip`.
FluidFit fit_share(std::span<const double> y, std::span<const double> d, std::span<const double> w,
                   std::size_t skip) {
  double numerator = 0;
  double information = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (i == skip) continue;
    numerator += w[i] * y[i] * d[i];
    information += w[i] * d[i] * d[i];
  }
  if (information <= 0) return {};
  const double share = numerator / information;
  return FluidFit{share, share * std::sqrt(information)};
}

void check_contamination(const RuleSet& rules, const DeltaStatistics& statistics,
                         std::span<const Candidate> candidates, std::span<const Change> changes,
                         std::span<Decision> decisions) {
  for (const ContaminationRule& rule : rules.contaminations()) {
    std::array<double, kMaxChanges> y{};
    std::array<double, kMaxChanges> d{};
    std::array<double, kMaxChanges> w{};
    std::array<const Change*, kMaxChanges> used{};
    std::size_t n = 0;
    for (const Change& change : changes) {
      const std::string& code = candidates[change.index].test->code;
      std::optional<double> fluid;
      for (const FluidComponent& component : rule.contains) {
        if (core::equals_ignoring_case(component.test_code, code)) fluid = component.concentration;
      }
      if (!fluid) {
        for (const std::string& diluted : rule.dilutes) {
          if (core::equals_ignoring_case(diluted, code)) fluid = 0.0;
        }
      }
      if (!fluid) continue;
      const double sigma = change.previous * change.sigma;  // on the value's own scale
      y[n] = change.current - change.previous;
      d[n] = *fluid - change.previous;
      w[n] = 1 / (sigma * sigma);
      used[n] = &change;
      ++n;
    }
    if (n < 2) continue;
    const std::span<const double> ys(y.data(), n);
    const std::span<const double> ds(d.data(), n);
    const std::span<const double> ws(w.data(), n);
    const FluidFit all = fit_share(ys, ds, ws, n);
    if (all.z <= statistics.one_sided_limit) continue;
    std::size_t heaviest = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (w[i] * d[i] * d[i] > w[heaviest] * d[heaviest] * d[heaviest]) heaviest = i;
    }
    const FluidFit rest = fit_share(ys, ds, ws, heaviest);
    if (rest.z <= statistics.one_sided_limit) continue;

    std::string shifts;
    for (std::size_t i = 0; i < n; ++i) {
      const core::TestDefinition& test = *candidates[used[i]->index].test;
      if (!shifts.empty()) shifts += ", ";
      shifts += test.code + " " + reported(test, candidates[used[i]->index].value->number) +
                " (previous " + reported(test, candidates[used[i]->index].previous->value) + ")";
    }
    const std::string share = format_decimal(all.share * 100, 0) + " %";
    const std::string observed = "fits " + share + " of " + rule.fluid + " (" +
                                 format_decimal(all.z, 1) + " standard errors, " +
                                 format_decimal(rest.z, 1) + " without " +
                                 candidates[used[heaviest]->index].test->code + "): " + shifts;
    const std::string threshold = "at most " + format_decimal(statistics.one_sided_limit, 2) +
                                  " standard errors above none (" +
                                  rate_text(statistics.specimen_false_alarm) + ")";
    const std::string message = "the changes since the patient's previous results fit " +
                                rule.fluid + " mixed into the specimen (about " + share +
                                "): blood drawn above an IV line? recollect the specimen";
    for (Decision& decision : decisions) {
      hold(decision, Reason{Category::kContamination, Action::kRecollect,
                            "contamination: " + rule.fluid, observed, threshold, message});
    }
  }
}

// The candidate reporting `code` as a plain number, or nullptr.
const Candidate* numeric_candidate(std::span<const Candidate> candidates, const std::string& code,
                                   std::size_t& index) {
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Candidate& candidate = candidates[i];
    if (!core::equals_ignoring_case(candidate.test->code, code)) continue;
    const core::ResultValue& value = *candidate.value;
    if (value.kind != core::ResultKind::kNumeric || !value.comparator.empty()) return nullptr;
    index = i;
    return &candidate;
  }
  return nullptr;
}

void check_consistency(const RuleSet& rules, std::span<const Candidate> candidates,
                       std::span<Decision> decisions) {
  for (const ConsistencyRule& rule : rules.consistencies()) {
    std::array<double, kMaxConsistencyTests> slots{};
    std::array<std::size_t, kMaxConsistencyTests> at{};
    bool complete = true;
    for (std::size_t t = 0; t < rule.tests.size() && complete; ++t) {
      const Candidate* candidate = numeric_candidate(candidates, rule.tests[t], at[t]);
      complete = candidate != nullptr;
      if (complete) slots[t] = candidate->value->number;
    }
    if (!complete) continue;
    const std::span<const double> values(slots.data(), rule.tests.size());
    calc::Trap trap;
    const auto difference = [&](std::span<const double> from) {
      return rule.value.evaluate(from, trap) - rule.expected.evaluate(from, trap);
    };
    const double found = difference(values);
    if (trap.kind != calc::TrapKind::kNone) continue;
    // What rounding each reported value to its decimals can move the difference by.
    double allowance = rule.tolerance;
    for (std::size_t t = 0; t < rule.tests.size(); ++t) {
      std::array<double, kMaxConsistencyTests> moved = slots;
      moved[t] += step_of(*candidates[at[t]].test) / 2;
      const double shifted = difference(std::span<const double>(moved.data(), rule.tests.size()));
      if (trap.kind != calc::TrapKind::kNone) break;
      allowance += std::fabs(shifted - found);
    }
    if (trap.kind != calc::TrapKind::kNone) continue;
    if (std::fabs(found) - allowance <= 1e-9 * std::max(1.0, allowance)) continue;

    const double value = rule.value.evaluate(values, trap);
    const double expected = rule.expected.evaluate(values, trap);
    std::string tests;
    for (std::size_t t = 0; t < rule.tests.size(); ++t) {
      const Candidate& candidate = candidates[at[t]];
      if (!tests.empty()) tests += ", ";
      tests += candidate.test->code + " " + core::format_reported(*candidate.value);
    }
    const std::string observed = rule.value.text() + " = " + computed_text(value) + ", " +
                                 rule.expected.text() + " = " + computed_text(expected) + " (" +
                                 tests + ")";
    const std::string threshold =
        "agree within " + computed_text(allowance) +
        (rule.tolerance > 0 ? " (tolerance " + number_text(rule.tolerance) + " and rounding)"
                            : " (rounding of the reported values)");
    std::string message = rule.name + ": " + rule.value.text() + " is " + computed_text(value) +
                          " but " + rule.expected.text() + " gives " + computed_text(expected) +
                          ": one of the results is wrong";
    if (!rule.reason.empty()) message += " (" + rule.reason + ")";
    message += "; check before release";
    for (std::size_t t = 0; t < rule.tests.size(); ++t) {
      hold(decisions[at[t]], Reason{Category::kConsistency, Action::kReview,
                                    "consistency: " + rule.name, observed, threshold, message});
    }
  }
}

}  // namespace

void apply_specimen_checks(const RuleSet& rules, const SpecimenFacts& specimen,
                           std::span<const Candidate> candidates, std::span<Decision> decisions) {
  if (!rules.consistencies().empty()) check_consistency(rules, candidates, decisions);
  const std::optional<DeltaStatistics>& statistics = rules.delta_statistics();
  if (!statistics) return;
  std::array<Change, kMaxChanges> storage;
  const std::size_t count = collect_changes(rules, *statistics, specimen, candidates, storage);
  if (count == 0) return;
  const std::span<const Change> changes(storage.data(), count);
  check_reference_change(*statistics, candidates, changes, decisions);
  check_multi_analyte(*statistics, candidates, changes, decisions);
  check_contamination(rules, *statistics, candidates, changes, decisions);
}

}  // namespace aliquot::rules
