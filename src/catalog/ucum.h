#pragma once

// Validation of unit expressions in the case-sensitive form of the Unified Code for Units of
// Measure (UCUM, https://ucum.org/ucum, version 2.1/2.2): the syntax of §2 (BNF in §2.2, the
// predicate "metric" in §2.3) over a table of the unit atoms a clinical laboratory reports in.
// Pure functions; safe from any thread.

#include <string_view>

#include "core/error.h"

namespace aliquot::catalog {

// Accepts a UCUM expression such as "mmol/L", "10*3/uL", "mL/min/{1.73_m2}", "/[HPF]", "1" or
// "{ratio}". InvalidArgument otherwise, naming what is wrong and the expression, e.g.
// "unknown UCUM unit atom 'mmoll' in 'mmoll/L'" or
// "UCUM unit atom 'h' does not take the prefix 'k' in 'kh'".
// Atoms outside the table (units of astronomy, typesetting, surveying...) are reported as
// unknown even where UCUM defines them: a lab menu that uses one is almost certainly wrong.
Result<void> validate_ucum(std::string_view unit);

// True when `symbol` is an atom of the table (no prefix, no exponent): "g", "[IU]", "10*".
bool is_ucum_atom(std::string_view symbol);

}  // namespace aliquot::catalog
