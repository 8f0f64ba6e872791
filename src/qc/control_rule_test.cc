#include "qc/control_rule.h"

#include <gtest/gtest.h>

namespace aliquot::qc {
namespace {

TEST(ControlRule, ReadsTheWaysLabsWriteARule) {
  for (const char* text : {"1-3s", "1:3s", "1_3s", "13s", "1-3S"}) {
    const Result<ControlRule> rule = parse_control_rule(text);
    ASSERT_TRUE(rule.has_value()) << text;
    EXPECT_EQ(*rule, ControlRule::k1_3s) << text;
  }
  EXPECT_EQ(*parse_control_rule("r4s"), ControlRule::kR_4s);
  EXPECT_EQ(*parse_control_rule("10x"), ControlRule::k10_x);
  EXPECT_EQ(*parse_control_rule("2of3-2s"), ControlRule::k2of3_2s);
}

TEST(ControlRule, TellsOneTwoSFromTwelveX) {
  EXPECT_EQ(*parse_control_rule("12s"), ControlRule::k1_2s);
  EXPECT_EQ(*parse_control_rule("12x"), ControlRule::k12_x);
}

TEST(ControlRule, EveryNameReadsBackAsItsRule) {
  for (const ControlRule rule : all_control_rules()) {
    const Result<ControlRule> read = parse_control_rule(rule_name(rule));
    ASSERT_TRUE(read.has_value()) << rule_name(rule);
    EXPECT_EQ(*read, rule);
  }
}

TEST(ControlRule, OnlyOneTwoSWarns) {
  for (const ControlRule rule : all_control_rules()) {
    EXPECT_EQ(action_of(rule), rule == ControlRule::k1_2s ? RuleAction::kWarn : RuleAction::kReject)
        << rule_name(rule);
  }
}

TEST(ControlRule, NamesAnUnknownRuleAndTheNearestKnownOne) {
  const Result<ControlRule> rule = parse_control_rule("1-4s");
  ASSERT_FALSE(rule.has_value());
  EXPECT_EQ(rule.error().message(),
            "unknown control rule '1-4s' (did you mean 1-2s?); known rules: 1-2s, 1-3s, 2-2s, "
            "R-4s, 4-1s, 10-x, 8-x, 12-x, 2of3-2s, 3-1s, 6-x, 9-x");
}

TEST(ControlRule, ReadsAListSeparatedByCommasSlashesOrSpaces) {
  const Result<std::vector<ControlRule>> rules = parse_control_rules("1-3s, 2-2s/R-4s 4-1s,,10-x");
  ASSERT_TRUE(rules.has_value()) << rules.error().message();
  EXPECT_EQ(rules_text(*rules), "1-3s/2-2s/R-4s/4-1s/10-x");
}

TEST(ControlRule, KeepsARuleNamedTwiceOnce) {
  EXPECT_EQ(rules_text(*parse_control_rules("1-3s,13s,1:3s")), "1-3s");
}

TEST(ControlRule, RefusesAnEmptyList) {
  const Result<std::vector<ControlRule>> rules = parse_control_rules(" , ");
  ASSERT_FALSE(rules.has_value());
  EXPECT_EQ(rules.error().message(), "no control rules given");
}

TEST(ControlRule, NamesTheUnknownRuleOfAList) {
  const Result<std::vector<ControlRule>> rules = parse_control_rules("1-3s,2-3s");
  ASSERT_FALSE(rules.has_value());
  EXPECT_EQ(rules.error().message().substr(0, 30), "unknown control rule '2-3s' (d");
}

}  // namespace
}  // namespace aliquot::qc
