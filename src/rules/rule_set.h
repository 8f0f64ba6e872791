#pragma once

// The lab's autoverification rules, loaded from a TOML file under version control
// (catalog/autoverification.toml is the default, built into the program) and checked against the
// catalog: every test code must exist, every section must be one of the catalog's. A RuleSet
// that exists is valid. The categories follow CLSI AUTO10 (2006) / AUTO15 (2019): instrument
// flags, QC status, serum indices, measuring range, critical values, delta checks, absurd and
// review limits, specimen stability, discipline; and checks of the specimen as a whole
// (rules/specimen_rules.h: statistical deltas, contamination, consistency).
//
// Boundaries, one convention for every limit a lab writes here (a value equal to a limit is
// within it; only a value strictly beyond the limit fires):
//   absurd            value < low or value > high: physiologically impossible
//   measuring_range   value > high: dilute and rerun; value < low: reported as "< low"
//   review            value < low or value > high: a technologist looks before release
//   delta             |change| > limit (absolute, percent of the previous value, or per day)
//   indices           index > hold: held; index > suppress: not reported, recollect
//   stability         collected → measured > stability: held, recollect
// Critical limits stay in the catalog and are inclusive (core::CriticalLimits): a critical value
// is always held for the call to a caregiver.
//
// Immutable after loading; safe to share between threads.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/specimen_rules.h"

namespace aliquot::rules {

// Both limits optional; a limit that is absent is never crossed.
struct Limits {
  std::optional<double> low;
  std::optional<double> high;
  bool empty() const { return !low && !high; }
};

enum class DeltaMode : std::uint8_t {
  kAbsolute,   // |current − previous| in the test's unit
  kPercent,    // |current − previous| / |previous| × 100
  kRatePerDay  // |current − previous| / days between the two collections
};

// Who a fired delta check holds. A mix-up check (MCV, MCHC: they barely change within days, so
// a jump suggests the tube holds another patient's blood — Ohara 2002, Miller 2015) holds every
// result on the specimen, because every one of them may belong to someone else.
enum class DeltaScope : std::uint8_t { kResult, kSpecimen };

struct DeltaRule {
  DeltaMode mode = DeltaMode::kAbsolute;
  double limit = 0;                 // fires when the change is strictly greater
  std::int64_t window_seconds = 0;  // previous result collected at most this long before
  DeltaScope scope = DeltaScope::kResult;
  std::string reason;  // optional words for the technician: "possible mix-up"
  int source_line = 0;
};

// Thresholds on one serum index (hemolysis H, icterus I, lipemia L) as the instrument reports it.
struct IndexThresholds {
  std::optional<double> hold;      // index > hold: held for review
  std::optional<double> suppress;  // index > suppress: the value is not reported; recollect
  bool empty() const { return !hold && !suppress; }
};

struct IndexRules {
  IndexThresholds hemolysis;
  IndexThresholds icterus;
  IndexThresholds lipemia;
};

// Everything the lab says about one test beyond its catalog entry.
struct AnalyteRules {
  std::string test_code;  // as the catalog spells it
  Limits absurd;
  Limits measuring_range;
  Limits review;  // autoverification limits: outside them a person looks first
  std::vector<DeltaRule> deltas;
  IndexRules indices;
  std::optional<std::int64_t> stability_seconds;  // collection to measurement
  // For the statistical delta checks ([delta_statistics]): the analyte takes part only with it.
  std::optional<Variation> variation;
  int source_line = 0;
};

// Per catalog section: whether results may release themselves at all, and how coded answers are
// treated.
struct DisciplineRules {
  std::string section;  // catalog section code
  bool autoverify = false;
  // A coded answer the catalog lists as abnormal (urine nitrite "positive") is held.
  bool hold_abnormal_answers = true;
  int source_line = 0;
};

// A reflex (add-on) rule: a result that meets the condition adds tests to its order, e.g. TSH
// outside its reference interval adds free T4; urine nitrite positive adds a urine culture; a
// large hemoglobin drop adds a smear review. Conditions, any of which fires the rule:
//   above / below          the value is strictly beyond the number (the test's unit)
//   outside_reference      the value is flagged against the patient's reference interval
//   answers                the coded answer is one of these (letter case ignored)
//   drop                   previous − current is strictly greater, the previous result being
//                          the patient's last released one within `window_seconds`
struct ReflexRule {
  std::string test_code;  // the result that triggers, as the catalog spells it
  std::optional<double> above;
  std::optional<double> below;
  bool outside_reference = false;
  std::vector<std::string> answers;
  std::optional<double> drop;
  std::int64_t window_seconds = 0;  // for drop
  std::vector<std::string> add;     // catalog test codes added to the order
  std::string reason;               // for the technologist and the audit trail
  int source_line = 0;
};

class RuleSet {
 public:
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<AnalyteRules>& analytes() const { return analytes_; }
  const std::vector<DisciplineRules>& disciplines() const { return disciplines_; }
  // Instrument flags that only repeat what the LIS works out itself (the analyzer's own H/L/N
  // range flags): they do not hold. Every other flag or error code holds.
  const std::vector<std::string>& informational_flags() const { return informational_flags_; }

  // nullptr when the lab wrote nothing for the test (letter case ignored).
  const AnalyteRules* find_analyte(std::string_view test_code) const;
  // nullptr when the section is not named: autoverification is then off for it.
  const DisciplineRules* find_discipline(std::string_view section) const;
  bool is_informational_flag(std::string_view flag) const;
  const std::vector<ReflexRule>& reflexes() const { return reflexes_; }

  // The checks of a whole specimen (rules/specimen_rules.h); absent or empty when not written.
  const std::optional<DeltaStatistics>& delta_statistics() const { return delta_statistics_; }
  const std::vector<ContaminationRule>& contaminations() const { return contaminations_; }
  const std::vector<ConsistencyRule>& consistencies() const { return consistencies_; }

  // Whether a rule compares a result of `test_code` with the patient's previous one (a delta
  // check, a statistical delta check, a reflex on a drop): only then is the history read.
  bool compares_with_previous(std::string_view test_code) const;

 private:
  friend class RuleSetBuilder;
  std::string name_;
  std::string version_;
  std::vector<AnalyteRules> analytes_;
  std::vector<DisciplineRules> disciplines_;
  std::vector<std::string> informational_flags_;
  std::vector<ReflexRule> reflexes_;
  std::optional<DeltaStatistics> delta_statistics_;
  std::vector<ContaminationRule> contaminations_;
  std::vector<ConsistencyRule> consistencies_;
  // Upper-cased code → index. Looked up with a string_view, so that finding a test's rules
  // (once per result judged) allocates nothing.
  struct CodeHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view code) const {
      return std::hash<std::string_view>{}(code);
    }
  };
  std::unordered_map<std::string, std::size_t, CodeHash, std::equal_to<>> analyte_index_;
};

// Builds a RuleSet from parts (the loader, and tests that need a rule set without a file).
// Codes are matched without regard to letter case; a later analyte with the same code replaces
// the earlier one.
class RuleSetBuilder {
 public:
  RuleSetBuilder& name(std::string name);
  RuleSetBuilder& version(std::string version);
  RuleSetBuilder& analyte(AnalyteRules rules);
  RuleSetBuilder& discipline(DisciplineRules rules);
  RuleSetBuilder& informational_flag(std::string flag);
  RuleSetBuilder& reflex(ReflexRule rule);
  RuleSetBuilder& delta_statistics(DeltaStatistics statistics);
  RuleSetBuilder& contamination(ContaminationRule rule);
  RuleSetBuilder& consistency(ConsistencyRule rule);
  RuleSet build();

 private:
  RuleSet rules_;
};

}  // namespace aliquot::rules
