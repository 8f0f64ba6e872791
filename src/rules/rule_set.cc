// RuleSet lookups and the builder (rules/rule_set.h).

#include "rules/rule_set.h"

#include <algorithm>

#include "core/text.h"

namespace aliquot::rules {
using core::ascii_upper;
using core::equals_ignoring_case;

const AnalyteRules* RuleSet::find_analyte(std::string_view test_code) const {
  // Test codes are short: fold the case on the stack.
  char folded[64];
  if (test_code.size() > sizeof folded) return nullptr;
  for (std::size_t i = 0; i < test_code.size(); ++i) {
    const char c = test_code[i];
    folded[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const auto found = analyte_index_.find(std::string_view(folded, test_code.size()));
  return found == analyte_index_.end() ? nullptr : &analytes_[found->second];
}

const DisciplineRules* RuleSet::find_discipline(std::string_view section) const {
  for (const DisciplineRules& discipline : disciplines_) {
    if (equals_ignoring_case(discipline.section, section)) return &discipline;
  }
  return nullptr;
}

bool RuleSet::is_informational_flag(std::string_view flag) const {
  return std::any_of(informational_flags_.begin(), informational_flags_.end(),
                     [&](const std::string& known) { return equals_ignoring_case(known, flag); });
}

bool RuleSet::compares_with_previous(std::string_view test_code) const {
  const AnalyteRules* analyte = find_analyte(test_code);
  if (analyte != nullptr &&
      (!analyte->deltas.empty() || (analyte->variation && delta_statistics_))) {
    return true;
  }
  return std::any_of(reflexes_.begin(), reflexes_.end(), [&](const ReflexRule& rule) {
    return rule.drop && equals_ignoring_case(rule.test_code, test_code);
  });
}

RuleSetBuilder& RuleSetBuilder::name(std::string name) {
  rules_.name_ = std::move(name);
  return *this;
}

RuleSetBuilder& RuleSetBuilder::version(std::string version) {
  rules_.version_ = std::move(version);
  return *this;
}

RuleSetBuilder& RuleSetBuilder::analyte(AnalyteRules rules) {
  const std::string key = ascii_upper(rules.test_code);
  if (const auto found = rules_.analyte_index_.find(key); found != rules_.analyte_index_.end()) {
    rules_.analytes_[found->second] = std::move(rules);
  } else {
    rules_.analyte_index_.emplace(key, rules_.analytes_.size());
    rules_.analytes_.push_back(std::move(rules));
  }
  return *this;
}

RuleSetBuilder& RuleSetBuilder::discipline(DisciplineRules rules) {
  for (DisciplineRules& known : rules_.disciplines_) {
    if (equals_ignoring_case(known.section, rules.section)) {
      known = std::move(rules);
      return *this;
    }
  }
  rules_.disciplines_.push_back(std::move(rules));
  return *this;
}

RuleSetBuilder& RuleSetBuilder::informational_flag(std::string flag) {
  rules_.informational_flags_.push_back(std::move(flag));
  return *this;
}

RuleSetBuilder& RuleSetBuilder::reflex(ReflexRule rule) {
  rules_.reflexes_.push_back(std::move(rule));
  return *this;
}

RuleSetBuilder& RuleSetBuilder::delta_statistics(DeltaStatistics statistics) {
  rules_.delta_statistics_ = std::move(statistics);
  return *this;
}

RuleSetBuilder& RuleSetBuilder::contamination(ContaminationRule rule) {
  rules_.contaminations_.push_back(std::move(rule));
  return *this;
}

RuleSetBuilder& RuleSetBuilder::consistency(ConsistencyRule rule) {
  rules_.consistencies_.push_back(std::move(rule));
  return *this;
}

RuleSet RuleSetBuilder::build() { return std::move(rules_); }

}  // namespace aliquot::rules
