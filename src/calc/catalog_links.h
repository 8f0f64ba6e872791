#pragma once

// The links between the lab's test catalog and its calculations file: a calculated test in the
// catalog (core::TestDefinition::calculated) names a calculation and says which catalog test gives
// each of its inputs. Neither file can check that alone; this does, and names every problem with
// the catalog file and line of the test or input concerned:
//   - the calculation exists (with the nearest name when one is close);
//   - every input named exists in the calculation, is a number input, is not one the patient
//     gives (`age`, `sex`), is mapped once, and maps to a numeric catalog test that is not itself
//     calculated, whose unit is the unit the calculation takes;
//   - every required number input is mapped;
//   - the inputs the patient gives are what the lab can give: `age` in years ("a"), `sex` a
//     choice of F and M;
//   - the calculated test reports the calculation's unit.
// A catalog whose links are broken is refused wherever catalog and calculations meet (lab
// initialization, a new catalog version, `aliquot catalog check`, `aliquot calc check`).

#include <string_view>
#include <vector>

#include "calc/calculation_set.h"
#include "catalog/catalog.h"
#include "core/error.h"

namespace aliquot::calc {

// The calculation inputs the lab takes from the patient rather than from a test result: age in
// completed years at collection ("age", unit "a") and administrative sex ("sex", F or M).
inline constexpr std::string_view kAgeInput = "age";
inline constexpr std::string_view kSexInput = "sex";

// Whether `input` is given by the patient (age, sex) rather than mapped to a test.
bool is_patient_input(std::string_view input);

// Every broken link, test by test in catalog file order; empty when the catalog's calculated tests
// fit the calculations. Each Error is kInvalidArgument with the position `catalog_file`:line.
std::vector<Error> check_catalog_links(const catalog::Catalog& catalog,
                                       const CalculationSet& calculations,
                                       std::string_view catalog_file);

// check_catalog_links as one refusal: InvalidArgument "catalog 'FILE' does not fit the
// calculations 'NAME' (N problems):" with every problem on its own line; ok when none.
Result<void> refuse_broken_links(const catalog::Catalog& catalog,
                                 const CalculationSet& calculations, std::string_view catalog_file);

}  // namespace aliquot::calc
