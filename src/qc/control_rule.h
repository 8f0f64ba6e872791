#pragma once

// The Westgard control rules, in the notation labs write them ("1-3s", "2-2s", "R-4s", "10-x"),
// and what each does to a run: 1-2s warns, every other rule rejects. Source: Westgard JO, Barry
// PL, Hunt MR, Groth T. A multi-rule Shewhart chart for quality control in clinical chemistry.
// Clin Chem 1981;27:493-501; westgard.com "Westgard Rules".

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::qc {

enum class ControlRule {
  k1_2s,     // one value beyond 2 SD: warning
  k1_3s,     // one value beyond 3 SD: random error
  k2_2s,     // two consecutive values beyond the same 2 SD limit: systematic error
  kR_4s,     // one value above +2 SD and another below -2 SD in the same run: random error
  k4_1s,     // four consecutive values beyond the same 1 SD limit
  k10_x,     // ten consecutive values on the same side of the mean
  k8_x,      // eight ...
  k12_x,     // twelve ...
  k2of3_2s,  // two of the last three values beyond the same 2 SD limit (three-level designs)
  k3_1s,     // three consecutive values beyond the same 1 SD limit (three-level designs)
  k6_x,      // six consecutive values on the same side of the mean
  k9_x,      // nine ...
};

// Every rule, in the order above.
std::span<const ControlRule> all_control_rules();

enum class RuleAction { kWarn, kReject };

// 1-2s only warns: on its own it never rejects a run (about 9 % of in-control runs with two
// levels would be rejected, Westgard 1981); every other rule rejects.
RuleAction action_of(ControlRule rule);

// "1-3s", "R-4s", "2of3-2s", "10-x".
std::string_view rule_name(ControlRule rule);

// A rule named as labs write it: "1-3s", "1:3s", "1_3s" and "13s" are the same rule, and so are
// "R-4s" and "r4s"; "10-x" and "10x". InvalidArgument names an unknown rule and the nearest known
// one.
Result<ControlRule> parse_control_rule(std::string_view text);

// A list such as "1-3s,2-2s,R-4s" or "1-3s/2-2s/R-4s" (commas, slashes or spaces between). A
// rule named twice is kept once; an empty list is an error.
Result<std::vector<ControlRule>> parse_control_rules(std::string_view text);

// "1-3s/2-2s/R-4s".
std::string rules_text(std::span<const ControlRule> rules);

}  // namespace aliquot::qc
