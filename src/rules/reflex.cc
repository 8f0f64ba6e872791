#include "rules/reflex.h"

#include <chrono>

#include "core/text.h"

namespace aliquot::rules {
namespace {

bool technically_invalid(const Decision& decision) {
  if (decision.suppressed) return true;
  for (const Reason& reason : decision.reasons) {
    if (reason.action == Action::kRecollect || reason.action == Action::kRerunDiluted ||
        reason.action == Action::kCheckInstrument) {
      return true;
    }
  }
  return false;
}

bool fires(const ReflexRule& rule, const core::ResultValue& value, core::AbnormalFlag flag,
           const std::optional<PreviousResult>& previous, core::Instant collected_at) {
  if (value.kind == core::ResultKind::kCoded || value.kind == core::ResultKind::kText) {
    for (const std::string& answer : rule.answers) {
      if (core::equals_ignoring_case(answer, value.text)) return true;
    }
    return rule.outside_reference && flag != core::AbnormalFlag::kNone;
  }
  // "<x" lies below x and ">x" above it: judged by the side the value can lie on.
  const double number = value.number;
  if (rule.above && number > *rule.above && value.comparator != "<") return true;
  if (rule.below && number < *rule.below && value.comparator != ">") return true;
  if (rule.outside_reference && flag != core::AbnormalFlag::kNone) return true;
  if (rule.drop && previous && value.comparator.empty()) {
    const auto apart =
        std::chrono::duration_cast<std::chrono::seconds>(collected_at - previous->collected_at)
            .count();
    if (apart >= 0 && apart <= rule.window_seconds && previous->value - number > *rule.drop) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<const ReflexRule*> fired_reflexes(
    const RuleSet& rules, const core::TestDefinition& test, const core::ResultValue& value,
    core::AbnormalFlag flag, const std::optional<PreviousResult>& previous,
    core::Instant collected_at, const Decision* decision) {
  std::vector<const ReflexRule*> fired;
  if (rules.reflexes().empty()) return fired;
  if (decision != nullptr && technically_invalid(*decision)) return fired;
  for (const ReflexRule& rule : rules.reflexes()) {
    if (!core::equals_ignoring_case(rule.test_code, test.code)) continue;
    if (fires(rule, value, flag, previous, collected_at)) fired.push_back(&rule);
  }
  return fired;
}

}  // namespace aliquot::rules
