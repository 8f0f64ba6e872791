#include "calc/default_calculation_set.h"

#include <cstdio>
#include <cstdlib>

namespace aliquot::calc {
namespace {

CalculationSet load_default() {
  LoadOutcome outcome =
      load_calculations(default_calculations_text(), kDefaultCalculationsFileName);
  if (outcome.calculations) return std::move(*outcome.calculations);
  // The built-in file is part of the program: a broken one is a build defect, not bad input.
  for (const Error& error : outcome.diagnostics) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
  }
  std::abort();
}

}  // namespace

const CalculationSet& default_calculation_set() {
  static const CalculationSet kSet = load_default();
  return kSet;
}

}  // namespace aliquot::calc
