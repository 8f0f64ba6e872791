#pragma once

// The default calculations (catalog/calculations.toml, built into the program), loaded once.

#include "calc/calculation_set.h"

namespace aliquot::calc {

// Loaded on first use and kept for the life of the program; safe to call from any thread. The
// built-in file is checked by the tests, so loading it cannot fail in a released program; should
// it fail, the program stops with the loader's diagnostics rather than run without them.
const CalculationSet& default_calculation_set();

}  // namespace aliquot::calc
