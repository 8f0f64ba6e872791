#include "lab/calculation_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/text.h"

namespace aliquot::lab {
namespace {

// A number as typed: digits, optional sign, point and exponent; nothing else, and finite.
std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// "mg/dL", "F or M", "" for a dimensionless number.
std::string input_unit(const calc::InputDefinition& input) {
  if (input.kind == calc::InputKind::kChoice) return core::join(input.choices, " or ");
  return input.unit == "1" ? "" : input.unit;
}

std::string describe_input(const calc::InputDefinition& input) {
  const std::string unit = input_unit(input);
  return input.name + " (" + input.title + (unit.empty() ? "" : ", " + unit) + ")";
}

}  // namespace

Result<CalculationAnswer> calculate(const calc::CalculationSet& set, const std::string& name,
                                    const CalculationInputs& given_inputs) {
  const calc::Calculation* calculation = set.find(name);
  if (calculation == nullptr) {
    std::vector<std::string> names;
    for (const calc::Calculation& known : set.calculations()) names.push_back(known.name());
    return not_found("no calculation '" + name + "'; the calculations are: " + core::join(names));
  }
  const std::vector<calc::InputDefinition>& definitions = calculation->inputs();

  calc::InputValues values;
  nlohmann::json inputs = nlohmann::json::object();
  std::set<std::size_t> given;
  for (const auto& [key, text] : given_inputs) {
    const std::optional<std::size_t> index = calculation->find_input(key);
    if (!index) {
      std::vector<std::string> names;
      for (const calc::InputDefinition& input : definitions) names.push_back(input.name);
      return invalid_argument(calculation->name() + " has no input '" + key +
                              "'; its inputs are: " + core::join(names));
    }
    const calc::InputDefinition& input = definitions[*index];
    if (!given.insert(*index).second) {
      return invalid_argument("input '" + input.name + "' is given more than once");
    }
    if (input.kind == calc::InputKind::kChoice) {
      const auto found = std::find(input.choices.begin(), input.choices.end(), text);
      if (found == input.choices.end()) {
        return invalid_argument("input '" + input.name + "' must be " +
                                core::join(input.choices, " or ") + ", not '" + text + "'");
      }
      values.set(*index, static_cast<double>(found - input.choices.begin()));
      inputs[input.name] = text;
      continue;
    }
    const std::optional<double> number = parse_number(text);
    if (!number) {
      return invalid_argument("input '" + input.name + "' must be a number" +
                              (input.unit == "1" ? std::string() : " in " + input.unit) +
                              ", not '" + text + "'");
    }
    values.set(*index, *number);
    inputs[input.name] = *number;
  }
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < definitions.size(); ++i) {
    if (given.count(i) != 0) continue;
    if (definitions[i].requirement == calc::Requirement::kRequired) {
      missing.push_back(describe_input(definitions[i]));
    } else {
      inputs[definitions[i].name] = definitions[i].default_value;  // the value used
    }
  }
  if (!missing.empty()) {
    return invalid_argument(calculation->name() + " needs " + core::join(missing));
  }

  const calc::Outcome outcome = calculation->compute(values);
  CalculationAnswer answer;
  if (outcome.reportable()) {
    answer.reported = calculation->reported(outcome.value);
    answer.json = {{"name", calculation->name()},
                   {"value", outcome.value},
                   {"reported", answer.reported},
                   {"unit", calculation->unit()},
                   {"inputs", inputs}};
    return answer;
  }
  answer.reason = calculation->reason(outcome, values);
  answer.json = {{"name", calculation->name()}, {"value", nullptr},         {"reported", nullptr},
                 {"unit", calculation->unit()}, {"reason", *answer.reason}, {"inputs", inputs}};
  return answer;
}

}  // namespace aliquot::lab
