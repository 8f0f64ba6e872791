#pragma once

// One calculated test as defined in the lab's calculations file (catalog/calculations.toml): its
// inputs with their units and limits, named intermediate steps, the expression, and the validity
// rules under which the result must not be reported. A Calculation exists only as loaded by
// load_calculations() (calc/calculation_set.h), so every expression in it has been checked.
//
// compute() is the hot path of autoverification: it allocates nothing and gives either the value
// or the first reason the value must not be reported, in this order:
//   1. inputs, in their declared order: a required input missing, any input held (a held input is
//      never replaced by its default), a value not finite or outside the input's limits;
//   2. the validity rules and steps: each rule, in file order, as soon as the inputs and steps
//      it uses are known (a rule whose condition holds; a rule that cannot be evaluated), and
//      each step in order (a step without a finite value);
//   3. the expression without a finite value.
// reason() turns a refusal into text for people (that allocates, and only on refusal).
//
// Immutable; safe to share between threads.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calc/program.h"

namespace aliquot::calc {

enum class InputKind { kNumber, kChoice };
enum class Requirement { kRequired, kOptional };

struct InputDefinition {
  // As on the command line and in JSON: lower case, digits and '-' ("total-protein"). In
  // expressions '-' is written '_' (total_protein), since '-' subtracts there.
  std::string name;
  std::string title;  // "Total protein"
  InputKind kind = InputKind::kNumber;
  std::string unit;                  // UCUM; numbers only
  std::vector<std::string> choices;  // choice inputs only: "F", "M"
  Requirement requirement = Requirement::kRequired;
  double default_value = 0;  // optional inputs: the value used when the input is absent
  // Limits a value must keep to be used at all (creatinine above 0): outside them the result is
  // not reported.
  std::optional<double> above;
  std::optional<double> at_least;
  std::optional<double> below;
  std::optional<double> at_most;

  std::string expression_name() const;
  bool within_limits(double value) const;
  // "above 0 mg/dL", "from 0 to 100 %": the limits as text; empty when there are none.
  std::string limits_text() const;
};

struct Step {
  std::string name;  // as used in later expressions: "nonhdl"
  Program program;
};

struct ValidityRule {
  Program condition;   // when it holds, the result is not reported
  std::string reason;  // why, for the technician and the report
  // How many steps must be computed before the condition can be: it is checked as soon as they
  // are, so that a rule on the inputs (triglycerides outside a table) speaks before a later step
  // fails on the same values. Set by CalculationBuilder.
  std::size_t needs_steps = 0;
};

enum class InputState : std::uint8_t { kMissing, kGiven, kHeld };

// The input values of one computation, by input index (Calculation::inputs()). Fixed capacity,
// no allocation; the hold reasons are views whose text the caller keeps alive until reason() has
// been called.
class InputValues {
 public:
  static constexpr std::size_t kCapacity = 16;

  // Out-of-range indices are ignored by the setters and read as missing.
  void set(std::size_t input, double value);
  // A held result (e.g. hemolysed for potassium) is never used: the calculation says so.
  void hold(std::size_t input, std::string_view reason);
  void clear(std::size_t input);
  void clear_all();

  InputState state(std::size_t input) const {
    return input < kCapacity ? states_[input] : InputState::kMissing;
  }
  double value(std::size_t input) const { return input < kCapacity ? values_[input] : 0; }
  std::string_view hold_reason(std::size_t input) const {
    return input < kCapacity ? hold_reasons_[input] : std::string_view();
  }

 private:
  std::array<double, kCapacity> values_{};
  std::array<InputState, kCapacity> states_{};
  std::array<std::string_view, kCapacity> hold_reasons_{};
};

enum class Refusal : std::uint8_t {
  kNone,
  kMissingInput,
  kHeldInput,
  kInputNotFinite,
  kInputOutsideLimits,
  kStepNotFinite,
  kRule,
  kRuleNotEvaluable,  // a rule's condition itself has no value: the safe answer is no result
  kResultNotFinite,
};

// What compute() found. `index` is the input, step or rule concerned.
struct Outcome {
  Refusal refusal = Refusal::kNone;
  double value = std::numeric_limits<double>::quiet_NaN();  // only when reportable
  std::uint32_t index = 0;
  Trap trap;  // kStepNotFinite, kRuleNotEvaluable, kResultNotFinite

  bool reportable() const { return refusal == Refusal::kNone; }
};

// The most inputs plus steps a calculation may have: compute() keeps them on its own stack.
inline constexpr std::size_t kMaxSlots = 64;

class Calculation {
 public:
  const std::string& name() const { return name_; }  // "egfr-ckd-epi-2021"
  const std::string& title() const { return title_; }
  const std::string& source() const { return source_; }  // the citation
  const std::string& unit() const { return unit_; }      // UCUM
  int decimals() const { return decimals_; }
  const std::vector<InputDefinition>& inputs() const { return inputs_; }
  const std::vector<Step>& steps() const { return steps_; }
  const std::vector<ValidityRule>& rules() const { return rules_; }
  const Program& expression() const { return expression_; }

  // The input called `name`; '_' and '-' are the same, letter case is ignored.
  std::optional<std::size_t> find_input(std::string_view name) const;

  Outcome compute(const InputValues& values) const;

  // Why `outcome` is not reportable, e.g. "Friedewald is not valid when triglycerides are 400
  // mg/dL or more (Friedewald 1972)" or "input 'creatinine' (Creatinine) is 0 mg/dL: it must be
  // above 0 mg/dL". Empty when it is reportable.
  std::string reason(const Outcome& outcome, const InputValues& values) const;

  // The value as reported, rounded half away from zero to decimals(): "68", "9.4".
  std::string reported(double value) const;

 private:
  friend class CalculationBuilder;
  std::string name_;
  std::string title_;
  std::string source_;
  std::string unit_;
  int decimals_ = 0;
  std::vector<InputDefinition> inputs_;
  std::vector<Step> steps_;
  std::vector<ValidityRule> rules_;
  Program expression_;
};

// Fills a Calculation; used by the loader only, after it has compiled every expression against
// the slot layout: inputs first, in order, then the steps.
class CalculationBuilder {
 public:
  static Calculation build(std::string name, std::string title, std::string source,
                           std::string unit, int decimals, std::vector<InputDefinition> inputs,
                           std::vector<Step> steps, std::vector<ValidityRule> rules,
                           Program expression);
};

}  // namespace aliquot::calc
