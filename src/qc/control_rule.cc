#include "qc/control_rule.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/text.h"

namespace aliquot::qc {
namespace {

struct NamedRule {
  ControlRule rule;
  std::string_view name;
};

constexpr std::array<NamedRule, 12> kRules = {{
    {ControlRule::k1_2s, "1-2s"},
    {ControlRule::k1_3s, "1-3s"},
    {ControlRule::k2_2s, "2-2s"},
    {ControlRule::kR_4s, "R-4s"},
    {ControlRule::k4_1s, "4-1s"},
    {ControlRule::k10_x, "10-x"},
    {ControlRule::k8_x, "8-x"},
    {ControlRule::k12_x, "12-x"},
    {ControlRule::k2of3_2s, "2of3-2s"},
    {ControlRule::k3_1s, "3-1s"},
    {ControlRule::k6_x, "6-x"},
    {ControlRule::k9_x, "9-x"},
}};

constexpr std::array<ControlRule, kRules.size()> kAllRules = [] {
  std::array<ControlRule, kRules.size()> rules{};
  for (std::size_t i = 0; i < kRules.size(); ++i) rules[i] = kRules[i].rule;
  return rules;
}();

// The spelling-free key of a rule name: lower case without the separators labs put between
// the count and the limit ("1-3s", "1:3s", "1_3s" and "1 3s" all become "13s").
std::string key_of(std::string_view text) {
  std::string key;
  for (const char c : text) {
    if (c == '-' || c == ':' || c == '_' || c == ' ') continue;
    key += core::ascii_lower(std::string_view(&c, 1));
  }
  return key;
}

}  // namespace

std::span<const ControlRule> all_control_rules() { return kAllRules; }

RuleAction action_of(ControlRule rule) {
  return rule == ControlRule::k1_2s ? RuleAction::kWarn : RuleAction::kReject;
}

std::string_view rule_name(ControlRule rule) {
  for (const NamedRule& named : kRules) {
    if (named.rule == rule) return named.name;
  }
  return "unknown";
}

Result<ControlRule> parse_control_rule(std::string_view text) {
  const std::string key = key_of(text);
  for (const NamedRule& named : kRules) {
    if (key_of(named.name) == key) return named.rule;
  }
  std::vector<std::string> names;
  for (const NamedRule& named : kRules) names.emplace_back(named.name);
  const std::string nearest = core::nearest_spelling(text, names, core::LetterCase::kIgnored);
  return invalid_argument("unknown control rule '" + std::string(text) + "'" +
                          (nearest.empty() ? "" : " (did you mean " + nearest + "?)") +
                          "; known rules: " + core::join(names));
}

Result<std::vector<ControlRule>> parse_control_rules(std::string_view text) {
  std::vector<ControlRule> rules;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find_first_of(",/ ", at);
    const std::string_view item = text.substr(at, end == std::string_view::npos ? end : end - at);
    if (!item.empty()) {
      ALIQUOT_ASSIGN_OR_RETURN(const ControlRule rule, parse_control_rule(item));
      if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  if (rules.empty()) return invalid_argument("no control rules given");
  return rules;
}

std::string rules_text(std::span<const ControlRule> rules) {
  std::vector<std::string> names;
  for (const ControlRule rule : rules) names.emplace_back(rule_name(rule));
  return core::join(names, "/");
}

}  // namespace aliquot::qc
