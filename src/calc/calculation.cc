#include "calc/calculation.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <utility>

#include "core/test_result.h"
#include "core/text.h"

namespace aliquot::calc {
namespace {

using core::number_text;

char normalized(char c) {
  if (c == '_') return '-';
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c;
}

bool same_input_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (normalized(a[i]) != normalized(b[i])) return false;
  }
  return true;
}

std::string with_unit(double value, const std::string& unit) {
  return number_text(value) + (unit.empty() || unit == "1" ? "" : " " + unit);
}

Outcome refuse(Refusal refusal, std::size_t index, const Trap& trap = Trap{}) {
  Outcome outcome;
  outcome.refusal = refusal;
  outcome.index = static_cast<std::uint32_t>(index);
  outcome.trap = trap;
  return outcome;
}

// A finite value that is not the value of the operation that traps: the evaluation overflowed
// in an operation that is not checked (+, -, *), which only absurd inputs can cause.
Trap overflow_trap() {
  Trap trap;
  trap.kind = TrapKind::kNotFinite;
  trap.column = 1;
  return trap;
}

}  // namespace

std::string InputDefinition::expression_name() const {
  std::string out = name;
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

bool InputDefinition::within_limits(double value) const {
  if (above && !(value > *above)) return false;
  if (at_least && !(value >= *at_least)) return false;
  if (below && !(value < *below)) return false;
  if (at_most && !(value <= *at_most)) return false;
  return true;
}

std::string InputDefinition::limits_text() const {
  std::string out;
  const auto add = [&](const char* word, const std::optional<double>& limit) {
    if (!limit) return;
    out += (out.empty() ? "" : " and ") + std::string(word) + " " + number_text(*limit);
  };
  add("above", above);
  add("at least", at_least);
  add("below", below);
  add("at most", at_most);
  if (!out.empty() && !unit.empty() && unit != "1") out += " " + unit;
  return out;
}

void InputValues::set(std::size_t input, double value) {
  if (input >= kCapacity) return;
  values_[input] = value;
  states_[input] = InputState::kGiven;
  hold_reasons_[input] = {};
}

void InputValues::hold(std::size_t input, std::string_view reason) {
  if (input >= kCapacity) return;
  states_[input] = InputState::kHeld;
  hold_reasons_[input] = reason;
}

void InputValues::clear(std::size_t input) {
  if (input >= kCapacity) return;
  states_[input] = InputState::kMissing;
  hold_reasons_[input] = {};
}

void InputValues::clear_all() {
  states_.fill(InputState::kMissing);
  hold_reasons_.fill({});
}

std::optional<std::size_t> Calculation::find_input(std::string_view name) const {
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (same_input_name(inputs_[i].name, name)) return i;
  }
  return std::nullopt;
}

Outcome Calculation::compute(const InputValues& values) const {
  std::array<double, kMaxSlots> slots;
  const std::size_t input_count = inputs_.size();
  const std::span<const double> all(slots.data(), input_count + steps_.size());

  // 1. Inputs.
  for (std::size_t i = 0; i < input_count; ++i) {
    const InputDefinition& input = inputs_[i];
    switch (values.state(i)) {
      case InputState::kMissing:
        if (input.requirement == Requirement::kRequired) return refuse(Refusal::kMissingInput, i);
        slots[i] = input.default_value;
        continue;
      case InputState::kHeld: return refuse(Refusal::kHeldInput, i);
      case InputState::kGiven: break;
    }
    const double value = values.value(i);
    if (!std::isfinite(value)) return refuse(Refusal::kInputNotFinite, i);
    if (input.kind == InputKind::kChoice) {
      // The index of a choice.
      if (value < 0 || value >= static_cast<double>(input.choices.size()) ||
          value != std::floor(value)) {
        return refuse(Refusal::kInputOutsideLimits, i);
      }
    } else if (!input.within_limits(value)) {
      return refuse(Refusal::kInputOutsideLimits, i);
    }
    slots[i] = value;
  }

  // 2. Each rule as soon as the steps it needs are computed, then the next step.
  Trap trap;
  for (std::size_t computed = 0;; ++computed) {
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      if (rules_[i].needs_steps != computed) continue;
      const double holds = rules_[i].condition.evaluate(all, trap);
      if (trap.kind != TrapKind::kNone) return refuse(Refusal::kRuleNotEvaluable, i, trap);
      if (holds != 0) return refuse(Refusal::kRule, i);
    }
    if (computed == steps_.size()) break;
    const double value = steps_[computed].program.evaluate(all, trap);
    if (trap.kind != TrapKind::kNone) return refuse(Refusal::kStepNotFinite, computed, trap);
    if (!std::isfinite(value)) return refuse(Refusal::kStepNotFinite, computed, overflow_trap());
    slots[input_count + computed] = value;
  }

  // 3. The value.
  const double value = expression_.evaluate(all, trap);
  if (trap.kind != TrapKind::kNone) return refuse(Refusal::kResultNotFinite, 0, trap);
  if (!std::isfinite(value)) return refuse(Refusal::kResultNotFinite, 0, overflow_trap());
  Outcome outcome;
  outcome.value = value;
  return outcome;
}

std::string Calculation::reason(const Outcome& outcome, const InputValues& values) const {
  const auto input_name = [&](std::size_t i) {
    const InputDefinition& input = inputs_[i];
    return "input '" + input.name + "' (" + input.title + ")";
  };
  switch (outcome.refusal) {
    case Refusal::kNone: return "";
    case Refusal::kMissingInput: return input_name(outcome.index) + " is missing";
    case Refusal::kHeldInput: {
      const std::string_view why = values.hold_reason(outcome.index);
      return input_name(outcome.index) + " is held" +
             (why.empty() ? std::string() : ": " + std::string(why));
    }
    case Refusal::kInputNotFinite:
      return input_name(outcome.index) + " is not a finite number (" +
             number_text(values.value(outcome.index)) + ")";
    case Refusal::kInputOutsideLimits: {
      const InputDefinition& input = inputs_[outcome.index];
      const double value = values.value(outcome.index);
      if (input.kind == InputKind::kChoice) {
        return input_name(outcome.index) + " has no choice number " + number_text(value);
      }
      return input_name(outcome.index) + " is " + with_unit(value, input.unit) + ": it must be " +
             input.limits_text();
    }
    case Refusal::kStepNotFinite:
      return "step '" + steps_[outcome.index].name + "' (" + steps_[outcome.index].program.text() +
             ") has no value: " + outcome.trap.to_string();
    case Refusal::kRule: return rules_[outcome.index].reason;
    case Refusal::kRuleNotEvaluable:
      return "validity rule " + std::to_string(outcome.index + 1) + " (" +
             rules_[outcome.index].condition.text() +
             ") cannot be evaluated, so the result is not reported: " + outcome.trap.to_string();
    case Refusal::kResultNotFinite:
      return "the expression (" + expression_.text() +
             ") has no value: " + outcome.trap.to_string();
  }
  return "";
}

std::string Calculation::reported(double value) const {
  return core::format_decimal(value, decimals_);
}

Calculation CalculationBuilder::build(std::string name, std::string title, std::string source,
                                      std::string unit, int decimals,
                                      std::vector<InputDefinition> inputs, std::vector<Step> steps,
                                      std::vector<ValidityRule> rules, Program expression) {
  Calculation calculation;
  calculation.name_ = std::move(name);
  calculation.title_ = std::move(title);
  calculation.source_ = std::move(source);
  calculation.unit_ = std::move(unit);
  calculation.decimals_ = decimals;
  calculation.inputs_ = std::move(inputs);
  calculation.steps_ = std::move(steps);
  const std::size_t input_count = calculation.inputs_.size();
  for (ValidityRule& rule : rules) {
    rule.needs_steps = 0;
    for (const std::uint32_t slot : rule.condition.slots_read()) {
      if (slot >= input_count)
        rule.needs_steps = std::max<std::size_t>(rule.needs_steps, slot - input_count + 1);
    }
  }
  calculation.rules_ = std::move(rules);
  calculation.expression_ = std::move(expression);
  return calculation;
}

}  // namespace aliquot::calc
