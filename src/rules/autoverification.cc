// The autoverification engine (rules/autoverification.h). Every check first decides with plain
// comparisons; text is built only for a rule that fires, so a result that autoverifies costs no
// allocation.

#include "rules/autoverification.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/text.h"
#include "rules/duration.h"
#include "rules/specimen_checks.h"

namespace aliquot::rules {
namespace {

using core::number_text;

// "+2.8", "-0.40": a change, always signed.
std::string signed_change_text(double change, int decimals) {
  std::string text = core::format_decimal(change, decimals);
  return text.front() == '-' ? text : "+" + text;
}

// A change computed from two decimals carries binary rounding (4.4 − 3.4 is 1.0000000000000004):
// a change that equals the limit as the lab reads it must not fire, so differences below a
// billionth of the limit are not counted.
bool exceeds(double measured, double limit) {
  return measured - limit > 1e-9 * std::max(1.0, std::fabs(limit));
}

bool below(const std::optional<double>& limit, double value) { return limit && value < *limit; }
bool above(const std::optional<double>& limit, double value) { return limit && value > *limit; }

// "K (Potassium)".
std::string test_name(const core::TestDefinition& test) {
  return test.name.empty() ? test.code : test.code + " (" + test.name + ")";
}

std::string with_unit(std::string number, const core::TestDefinition& test) {
  if (test.unit.empty() || test.unit == "1") return number;
  return number + " " + test.unit;
}

// The value as reported, with its unit: "6.9 mmol/L", "> 10.0 mmol/L".
std::string observed_value(const core::TestDefinition& test, const core::ResultValue& value) {
  return with_unit(core::format_reported(value), test);
}

// A limit as the lab wrote it, with the test's unit: "15 mmol/L".
std::string limit_value(const core::TestDefinition& test, double limit) {
  return with_unit(number_text(limit), test);
}

// "0.5-15 mmol/L", "< 15 mmol/L", "> 0.5 mmol/L": the limits that keep a value in.
std::string limits_text(const core::TestDefinition& test, const Limits& limits) {
  if (limits.low && limits.high) {
    return with_unit(number_text(*limits.low) + " to " + number_text(*limits.high), test);
  }
  if (limits.high) return "at most " + limit_value(test, *limits.high);
  return "at least " + limit_value(test, limits.low.value_or(0));
}

class Judge {
 public:
  Judge(const RuleSet& rules, const SpecimenFacts& specimen, const Candidate& candidate,
        Decision& decision)
      : rules_(rules),
        specimen_(specimen),
        candidate_(candidate),
        test_(*candidate.test),
        value_(*candidate.value),
        analyte_(rules.find_analyte(test_.code)),
        decision_(decision) {}

  // Returns whether a specimen-scoped delta fired.
  bool run() {
    decision_.autoverify = false;
    decision_.reported_as.reset();
    decision_.suppressed = false;
    decision_.reasons.clear();

    check_discipline();
    check_instrument_flags();
    check_quality_control();
    check_serum_indices();
    check_stability();
    if (value_.kind == core::ResultKind::kNumeric) {
      check_absurd();
      check_measuring_range();
      check_critical();
      check_deltas();
      check_review_limits();
    } else if (value_.kind == core::ResultKind::kCoded) {
      check_abnormal_answer();
    } else {
      add(Category::kTextResult, Action::kReview, test_.code + " free text", value_.text,
          "a person reads free text", test_name(test_) + " is free text, read by a person");
    }
    decision_.autoverify = decision_.reasons.empty();
    return mix_up_suspected_;
  }

 private:
  void add(Category category, Action action, std::string rule, std::string observed,
           std::string threshold, std::string message) {
    decision_.reasons.push_back(Reason{category, action, std::move(rule), std::move(observed),
                                       std::move(threshold), std::move(message)});
  }

  void check_discipline() {
    discipline_ = rules_.find_discipline(test_.section);
    if (discipline_ != nullptr && discipline_->autoverify) return;
    const std::string section = test_.section.empty() ? "(no section)" : test_.section;
    add(Category::kDiscipline, Action::kReview, "discipline " + section,
        discipline_ == nullptr ? "no rules for " + section : "autoverify = false",
        "autoverify = true",
        "autoverification is switched off for " + section + ": " + test_.code +
            " is released by a person");
  }

  void check_instrument_flags() {
    for (const std::string& flag : candidate_.instrument_flags) {
      if (flag.empty() || rules_.is_informational_flag(flag)) continue;
      add(Category::kInstrumentFlag, Action::kCheckInstrument, "instrument flag", flag,
          "no flag other than " + core::join(rules_.informational_flags(), ", "),
          "the instrument flagged " + test_.code + " with '" + flag + "'");
    }
  }

  void check_quality_control() {
    if (candidate_.qc != QcState::kFailing) return;
    const std::string detail =
        candidate_.qc_detail.empty() ? "QC failing" : std::string(candidate_.qc_detail);
    add(Category::kQualityControl, Action::kCheckInstrument, test_.code + " quality control",
        detail, "QC acceptable",
        "quality control for " + test_.code + " on this instrument: " + detail +
            "; the result cannot be trusted until QC passes and the run is repeated");
  }

  void check_index(const char* index_name, const std::optional<double>& index,
                   const IndexThresholds& thresholds) {
    if (!index) return;
    const std::string observed = std::string(index_name) + " index " + number_text(*index);
    if (above(thresholds.suppress, *index)) {
      decision_.suppressed = true;
      add(Category::kSerumIndex, Action::kRecollect, test_.code + " " + index_name + " suppress",
          observed, "at most " + number_text(*thresholds.suppress),
          test_.code + " is not reportable: " + index_name + " index " + number_text(*index) +
              " is above " + number_text(*thresholds.suppress) + "; recollect the specimen");
    } else if (above(thresholds.hold, *index)) {
      add(Category::kSerumIndex, Action::kReview, test_.code + " " + index_name + " hold", observed,
          "at most " + number_text(*thresholds.hold),
          index_name + std::string(" index ") + number_text(*index) + " is above " +
              number_text(*thresholds.hold) + ": " + test_.code +
              " may be affected; review before release");
    }
  }

  void check_serum_indices() {
    if (analyte_ == nullptr) return;
    check_index("hemolysis", specimen_.indices.hemolysis, analyte_->indices.hemolysis);
    check_index("icterus", specimen_.indices.icterus, analyte_->indices.icterus);
    check_index("lipemia", specimen_.indices.lipemia, analyte_->indices.lipemia);
  }

  void check_stability() {
    if (analyte_ == nullptr || !analyte_->stability_seconds) return;
    const std::int64_t age_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                         specimen_.measured_at - specimen_.collected_at)
                                         .count();
    if (age_seconds <= *analyte_->stability_seconds) return;
    const std::string age = duration_text(age_seconds);
    const std::string limit = duration_text(*analyte_->stability_seconds);
    add(Category::kSpecimenStability, Action::kRecollect, test_.code + " stability " + limit,
        "measured " + age + " after collection", "at most " + limit,
        test_.code + " was measured " + age + " after collection, beyond its stability of " +
            limit + "; recollect the specimen");
  }

  void check_absurd() {
    if (analyte_ == nullptr || analyte_->absurd.empty()) return;
    const double number = value_.number;
    if (!below(analyte_->absurd.low, number) && !above(analyte_->absurd.high, number)) return;
    add(Category::kAbsurdValue, Action::kRecollect, test_.code + " absurd limits",
        observed_value(test_, value_), limits_text(test_, analyte_->absurd),
        test_.code + " " + observed_value(test_, value_) +
            " is physiologically impossible: check the specimen (contamination, wrong tube, "
            "mislabel) and the instrument");
  }

  void check_measuring_range() {
    const Limits* range = analyte_ == nullptr ? nullptr : &analyte_->measuring_range;
    const bool instrument_above = value_.comparator == ">";
    if (instrument_above ||
        (range != nullptr && value_.comparator.empty() && above(range->high, value_.number))) {
      add(Category::kMeasuringRange, Action::kRerunDiluted, test_.code + " measuring range",
          observed_value(test_, value_),
          range != nullptr && range->high ? "at most " + limit_value(test_, *range->high)
                                          : "within the measuring range",
          test_.code + " " + observed_value(test_, value_) +
              " is above the measuring range: dilute and rerun");
      return;
    }
    if (range != nullptr && value_.comparator.empty() && below(range->low, value_.number)) {
      // Below the lowest reliable value the number itself is not reported, only the limit.
      core::ResultValue reported = value_;
      reported.comparator = "<";
      reported.number = *range->low;
      decision_.reported_as = std::move(reported);
    }
  }

  void check_critical() {
    const core::CriticalLimits& critical = test_.critical;
    const double number = value_.number;
    const bool low = critical.low && number <= *critical.low && value_.comparator != ">";
    const bool high = critical.high && number >= *critical.high && value_.comparator != "<";
    if (!low && !high) return;
    const std::string threshold = low ? "above " + limit_value(test_, *critical.low)
                                      : "below " + limit_value(test_, *critical.high);
    add(Category::kCriticalValue, Action::kCallCaregiver, test_.code + " critical limit",
        observed_value(test_, value_), threshold,
        test_.code + " " + observed_value(test_, value_) +
            " is critical: telephone a responsible caregiver, document the read-back, then "
            "release");
  }

  void check_deltas() {
    if (analyte_ == nullptr || analyte_->deltas.empty() || !candidate_.previous ||
        !value_.comparator.empty()) {
      return;
    }
    const PreviousResult& previous = *candidate_.previous;
    const std::int64_t apart_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                           specimen_.collected_at - previous.collected_at)
                                           .count();
    if (apart_seconds < 0) return;  // a later specimen is not "previous"
    const double change = value_.number - previous.value;
    for (const DeltaRule& rule : analyte_->deltas) {
      if (apart_seconds > rule.window_seconds) continue;
      double measured = std::fabs(change);
      if (rule.mode == DeltaMode::kPercent) {
        if (previous.value == 0) continue;  // no percentage of zero
        measured = std::fabs(change) / std::fabs(previous.value) * 100;
      } else if (rule.mode == DeltaMode::kRatePerDay) {
        if (apart_seconds == 0) continue;
        measured = std::fabs(change) / (static_cast<double>(apart_seconds) / 86400.0);
      }
      if (!exceeds(measured, rule.limit)) continue;
      fire_delta(rule, previous, change, measured, apart_seconds);
    }
  }

  void fire_delta(const DeltaRule& rule, const PreviousResult& previous, double change,
                  double measured, std::int64_t apart_seconds) {
    std::string mode_text;
    std::string measured_text;
    std::string threshold;
    switch (rule.mode) {
      case DeltaMode::kAbsolute:
        mode_text = "absolute";
        measured_text = with_unit(signed_change_text(change, test_.decimals + 1), test_);
        threshold = "change at most " + limit_value(test_, rule.limit);
        break;
      case DeltaMode::kPercent:
        mode_text = "percent";
        measured_text = core::format_decimal(measured, 1) + " %";
        threshold = "change at most " + number_text(rule.limit) + " %";
        break;
      case DeltaMode::kRatePerDay:
        mode_text = "per day";
        measured_text =
            with_unit(core::format_decimal(measured, test_.decimals + 1), test_) + " per day";
        threshold = "change at most " + limit_value(test_, rule.limit) + " per day";
        break;
    }
    const std::string window = duration_text(rule.window_seconds);
    std::string observed = observed_value(test_, value_) + ", previous " +
                           with_unit(core::format_decimal(previous.value, test_.decimals), test_) +
                           " " + duration_text(apart_seconds) + " earlier: " + measured_text;
    std::string message = test_.code + " changed by " + measured_text + " since the result of " +
                          duration_text(apart_seconds) + " earlier (limit " + threshold +
                          " within " + window + ")";
    if (!rule.reason.empty()) message += ": " + rule.reason;
    const bool specimen_scope = rule.scope == DeltaScope::kSpecimen;
    if (specimen_scope) {
      mix_up_suspected_ = true;
      message += "; every result on this specimen is held until its identity is confirmed";
    }
    add(Category::kDeltaCheck, specimen_scope ? Action::kInvestigateMixUp : Action::kReview,
        test_.code + " delta " + mode_text + " within " + window, std::move(observed),
        std::move(threshold), std::move(message));
  }

  void check_review_limits() {
    if (analyte_ == nullptr || analyte_->review.empty()) return;
    const double number = value_.number;
    // "<x" lies at or below x, ">x" at or above: judged by the side it can lie on.
    const bool low =
        below(analyte_->review.low, number) ||
        (value_.comparator == "<" && analyte_->review.low && number <= *analyte_->review.low);
    const bool high =
        above(analyte_->review.high, number) ||
        (value_.comparator == ">" && analyte_->review.high && number >= *analyte_->review.high);
    if (!low && !high) return;
    add(Category::kReviewLimits, Action::kReview, test_.code + " review limits",
        observed_value(test_, value_), limits_text(test_, analyte_->review),
        test_.code + " " + observed_value(test_, value_) +
            " is outside the autoverification limits " + limits_text(test_, analyte_->review) +
            ": review before release");
  }

  void check_abnormal_answer() {
    const bool hold = discipline_ == nullptr || discipline_->hold_abnormal_answers;
    if (!hold) return;
    for (const std::string& abnormal : test_.abnormal_answers) {
      if (!core::equals_ignoring_case(abnormal, value_.text)) continue;
      add(Category::kAbnormalAnswer, Action::kReview, test_.code + " abnormal answer", value_.text,
          "an answer other than " + core::join(test_.abnormal_answers, ", "),
          test_name(test_) + " is " + value_.text + ": review before release");
      return;
    }
  }

  const RuleSet& rules_;
  const SpecimenFacts& specimen_;
  const Candidate& candidate_;
  const core::TestDefinition& test_;
  const core::ResultValue& value_;
  const AnalyteRules* analyte_;
  const DisciplineRules* discipline_ = nullptr;
  Decision& decision_;
  bool mix_up_suspected_ = false;
};

}  // namespace

std::string_view to_code(Category category) {
  switch (category) {
    case Category::kDiscipline: return "discipline";
    case Category::kInstrumentFlag: return "instrument-flag";
    case Category::kQualityControl: return "quality-control";
    case Category::kSerumIndex: return "serum-index";
    case Category::kSpecimenStability: return "specimen-stability";
    case Category::kAbsurdValue: return "absurd-value";
    case Category::kMeasuringRange: return "measuring-range";
    case Category::kCriticalValue: return "critical-value";
    case Category::kDeltaCheck: return "delta-check";
    case Category::kMultiAnalyteDelta: return "multi-analyte-delta";
    case Category::kContamination: return "contamination";
    case Category::kConsistency: return "consistency";
    case Category::kReviewLimits: return "review-limits";
    case Category::kAbnormalAnswer: return "abnormal-answer";
    case Category::kTextResult: return "text-result";
    case Category::kSpecimenHeld: return "specimen-held";
    case Category::kCalculation: return "calculation";
  }
  return "unknown";
}

std::string_view to_code(Action action) {
  switch (action) {
    case Action::kReview: return "review";
    case Action::kRerunDiluted: return "rerun-diluted";
    case Action::kRecollect: return "recollect";
    case Action::kCallCaregiver: return "call-caregiver";
    case Action::kInvestigateMixUp: return "investigate-mix-up";
    case Action::kCheckInstrument: return "check-instrument";
  }
  return "unknown";
}

namespace {
// Every other result of the specimen is held because candidates[suspect] suggests a mix-up.
void hold_for_mix_up(std::span<const Candidate> candidates, std::span<Decision> decisions,
                     std::size_t suspect) {
  const Reason* cause = nullptr;
  for (const Reason& reason : decisions[suspect].reasons) {
    if (reason.action == Action::kInvestigateMixUp) cause = &reason;
  }
  const std::string suspect_code = candidates[suspect].test->code;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (i == suspect) continue;
    Decision& decision = decisions[i];
    decision.autoverify = false;
    decision.reasons.push_back(Reason{
        Category::kSpecimenHeld, Action::kInvestigateMixUp, suspect_code + " delta",
        cause != nullptr ? cause->observed : suspect_code, cause != nullptr ? cause->threshold : "",
        candidates[i].test->code + " is held because " +
            (cause != nullptr ? cause->message : suspect_code + " suggests a mix-up")});
  }
}

}  // namespace

void evaluate_specimen(const RuleSet& rules, const SpecimenFacts& specimen,
                       std::span<const Candidate> candidates, std::span<Decision> decisions) {
  // The first result whose specimen-scoped delta fired: it speaks for the whole specimen.
  std::size_t suspect = candidates.size();
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const bool mix_up = Judge(rules, specimen, candidates[i], decisions[i]).run();
    if (mix_up && suspect == candidates.size()) suspect = i;
  }
  if (suspect != candidates.size()) hold_for_mix_up(candidates, decisions, suspect);
  apply_specimen_checks(rules, specimen, candidates, decisions);
}

Decision evaluate_result(const RuleSet& rules, const SpecimenFacts& specimen,
                         const Candidate& candidate) {
  Decision decision;
  Judge(rules, specimen, candidate, decision).run();
  return decision;
}

}  // namespace aliquot::rules
