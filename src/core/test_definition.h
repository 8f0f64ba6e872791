#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"

namespace aliquot::core {

// A reference interval applies to one sex (or both when `sex` is empty) and an age band in days,
// [age_min_days, age_max_days), and optionally only to one specimen type and one method. A value
// is within the interval when low <= value <= high. rules::select_reference_interval says which
// of several matching intervals applies.
struct ReferenceInterval {
  std::optional<AdministrativeSex> sex;
  int age_min_days = 0;
  std::optional<int> age_max_days;  // exclusive; empty = no upper bound
  std::optional<double> low;
  std::optional<double> high;
  std::string text;  // for coded tests, the expected answer(s), e.g. "negative"
  // A catalog specimen type code ("serum", "urine"); empty = any specimen type.
  std::string specimen_type;
  // The lab's code for the instrument or method that produced the value ("cobas-c503"), compared
  // ignoring letter case; empty = any method. Intervals such as CALIPER's are method specific.
  std::string method;
};

// Critical limits are inclusive: a value at or below `low`, or at or above `high`, is critical
// and must be phoned to a caregiver with read-back before release (results.md).
struct CriticalLimits {
  std::optional<double> low;
  std::optional<double> high;
};

// One input of a calculated test: the calculation's input name and the catalog test whose
// result gives it.
struct CalculationInput {
  std::string input;      // the calculation's input name: "creatinine"
  std::string test_code;  // the catalog test: "CREAT"
  int source_line = 0;    // where the mapping is written in its catalog file
};

// A test the lab computes from other results of the same order and the patient's age and sex
// instead of measuring it (eGFR, calculated LDL, anion gap): the calculation's name in the lab's
// calculations file (calc/calculation_set.h) and which catalog test gives each input. The inputs
// `age` (completed years at collection) and `sex` come from the patient, never from a test.
struct CalculatedFrom {
  std::string calculation;  // "egfr-ckd-epi-2021"
  std::vector<CalculationInput> inputs;
  int source_line = 0;
};

// An orderable, resultable test from the catalog.
struct TestDefinition {
  std::string code;  // the lab's test code, e.g. "K"
  std::string name;  // "Potassium"
  std::string loinc;
  std::string unit;  // UCUM; empty for coded and text tests
  std::string specimen_type;
  std::string container_type;
  std::string section;  // "chemistry", "hematology", ...
  ResultKind kind = ResultKind::kNumeric;
  int decimals = 0;
  std::vector<std::string> answers;           // coded tests: allowed answers
  std::vector<std::string> abnormal_answers;  // coded tests: answers flagged A
  std::vector<ReferenceInterval> reference_intervals;
  CriticalLimits critical;
  // Set for a calculated test: the lab computes it; no instrument or person reports it.
  std::optional<CalculatedFrom> calculated;
  int source_line = 0;  // where it is defined in its catalog file
};

// A named group of tests ordered together (CBC, BMP, ...). Panels may contain panels.
struct PanelDefinition {
  std::string code;
  std::string name;
  std::vector<std::string> members;
  int source_line = 0;
};

}  // namespace aliquot::core
