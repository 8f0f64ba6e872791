#pragma once

// One calculated test (calc/) computed from inputs given as text, and the JSON answer that
// `aliquot calc NAME key=value... --json` prints and POST /api/calc/{name} returns: the same
// function for both, so that the two never differ.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "calc/calculation_set.h"
#include "core/error.h"

namespace aliquot::lab {

// An input as typed: its name ('-' and '_' alike) and its value ("1.0", "F").
using CalculationInputs = std::vector<std::pair<std::string, std::string>>;

struct CalculationAnswer {
  // {"name", "value" (full precision), "reported" (with the calculation's decimals), "unit",
  // "inputs" (the values used, defaults included)}; when not reportable "value" and "reported"
  // are null and "reason" says why.
  nlohmann::json json;
  std::string reported;               // the reported value; "" when not reportable
  std::optional<std::string> reason;  // why the result must not be reported
};

// Computes calculation `name` of `set` from `inputs`. NotFound naming the known calculations for
// an unknown name; InvalidArgument for an unknown input, one given twice, a choice or number that
// does not read ("input 'creatinine' must be a number in mg/dL, not 'x'") and missing required
// inputs ("egfr-ckd-epi-2021 needs age (Age, years)"). A result that must not be reported is an
// answer with a reason, not an error.
Result<CalculationAnswer> calculate(const calc::CalculationSet& set, const std::string& name,
                                    const CalculationInputs& inputs);

}  // namespace aliquot::lab
